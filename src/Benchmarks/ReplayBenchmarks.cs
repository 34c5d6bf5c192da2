using BenchmarkDotNet.Attributes;
using PmuConformance.Checking.Choices;
using PmuConformance.Checking.Generation;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Benchmarks;

/// <summary>
/// Whole-scenario replay through the targets' public interface (<see cref="ITarget.Execute"/>):
/// a fixed set of seeded, valid profile-7.2 scenarios of about 30 steps from the property suite's
/// <see cref="ScenarioGenerator"/>.
/// One operation is one scenario, a fresh VM included.
/// </summary>
[BenchmarkCategory("scenario replay")]
public class ReplayBenchmarks
{
    public const int ScenarioCount = 64;

    private readonly ITarget model = new ModelTarget();
    private readonly ITarget emulator = new EmulatorTarget();

    /// <summary>The scenarios every run uses (seeds 1000-1063).</summary>
    public static Scenario[] Scenarios { get; } = Enumerable.Range(1000, ScenarioCount)
        .Select(seed => ScenarioGenerator.Generate(new RandomChoices((ulong)seed), EmulatorOptions, size: 50))
        .ToArray();

    private static GeneratorOptions EmulatorOptions => GeneratorOptions.For(new EmulatorTarget(), KernelProfile.V7_2);

    [Benchmark(Baseline = true, OperationsPerInvoke = ScenarioCount)]
    public int Model() => Replay(model);

    [Benchmark(OperationsPerInvoke = ScenarioCount)]
    public int Emulator() => Replay(emulator);

    private static int Replay(ITarget target)
    {
        var outcomes = 0;
        foreach (var scenario in Scenarios)
        {
            outcomes += target.Execute(scenario).Outcomes.Count;
        }
        return outcomes;
    }
}
