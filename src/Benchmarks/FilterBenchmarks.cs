using BenchmarkDotNet.Attributes;
using PmuConformance.Scenarios;

namespace PmuConformance.Benchmarks;

/// <summary>
/// Filter installation: random ranges (seeded) over the 16-bit event space of qemu-max, allow and
/// deny mixed, through one VM before its first run. One operation is one FILTER call.
/// </summary>
[BenchmarkCategory("filter installation")]
public class FilterBenchmarks
{
    public const int Filters = 64;

    private readonly Step[] filters = CreateFilters();
    private ISimulatedVm model = null!;
    private ISimulatedVm emulator = null!;

    [GlobalSetup]
    public void Prepare()
    {
        model = Vms.Model(Setup.Default);
        emulator = Vms.Emulator(Setup.Default);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Filters)]
    public Outcome Model() => Install(model);

    [Benchmark(OperationsPerInvoke = Filters)]
    public Outcome Emulator() => Install(emulator);

    private Outcome Install(ISimulatedVm vm)
    {
        var last = default(Outcome);
        foreach (var step in filters)
        {
            last = vm.Apply(step);
        }
        return last;
    }

    private static Step[] CreateFilters()
    {
        var random = new Random(11);
        return Enumerable.Range(0, Filters)
            .Select(_ =>
            {
                var b = random.Next(0, 0x10000);
                var n = random.Next(0, 0x10000 - b + 1);
                return (Step)new FilterStep(0, (byte)random.Next(2), (ushort)b, (ushort)Math.Min(n, 0xFFFF));
            })
            .ToArray();
    }
}
