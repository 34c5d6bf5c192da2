using BenchmarkDotNet.Attributes;
using PmuConformance.Scenarios;

namespace PmuConformance.Benchmarks;

/// <summary>
/// Guest register writes on a running VM: event types (direct and through PMSELR), counters,
/// enables, PMCR, interrupt and overflow registers. One operation is one write.
/// </summary>
[BenchmarkCategory("guest register writes")]
public class RegisterWriteBenchmarks
{
    public const int Writes = 64;

    private readonly Step[] writes = CreateWrites();
    private ISimulatedVm model = null!;
    private ISimulatedVm emulator = null!;

    [GlobalSetup]
    public void Prepare()
    {
        const string running = "filter deny 0x24 1\ninit\nrun\n";
        model = Vms.Prepare(Vms.Model(Setup.Default), running);
        emulator = Vms.Prepare(Vms.Emulator(Setup.Default), running);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Writes)]
    public Outcome Model() => Write(model);

    [Benchmark(OperationsPerInvoke = Writes)]
    public Outcome Emulator() => Write(emulator);

    private Outcome Write(ISimulatedVm vm)
    {
        var last = default(Outcome);
        foreach (var step in writes)
        {
            last = vm.Apply(step);
        }
        return last;
    }

    private static Step[] CreateWrites()
    {
        var random = new Random(13);
        ulong[] types = [0x11, 0x8, 0x24, 0x0, 0x1E, 0x80000011, 0x48000021];
        Step Next() => random.Next(9) switch
        {
            0 or 1 => new WriteStep(0, new Register(RegisterKind.Pmevtyper, random.Next(6)), types[random.Next(types.Length)]),
            2 => new WriteStep(0, new Register(RegisterKind.Pmevcntr, random.Next(6)), (ulong)random.NextInt64()),
            3 => new WriteStep(0, Register.Pmselr, (ulong)random.Next(6)),
            4 => new WriteStep(0, Register.Pmxevtyper, types[random.Next(types.Length)]),
            5 => new WriteStep(0, random.Next(2) == 0 ? Register.PmcntenSet : Register.PmcntenClr, 1UL << random.Next(6)),
            6 => new WriteStep(0, Register.Pmcr, (ulong)random.Next(0, 256)),
            7 => new WriteStep(0, Register.PmintenSet, 0x8000003F),
            _ => new WriteStep(0, Register.PmovsClr, 0xFFFFFFFF),
        };
        return Enumerable.Range(0, Writes).Select(_ => Next()).ToArray();
    }
}
