using BenchmarkDotNet.Attributes;
using PmuConformance.Properties.Emulator;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Benchmarks;

/// <summary>
/// Whole-scenario replay through the targets' public interface (<see cref="ITarget.Execute"/>):
/// a fixed set of seeded, valid profile-7.2 scenarios of about 30 steps from
/// <see cref="SeededScenarioBuilder"/> (a stand-in until src/Checking's generators are used).
/// One operation is one scenario, a fresh VM included.
/// </summary>
[BenchmarkCategory("scenario replay")]
public class ReplayBenchmarks
{
    public const int ScenarioCount = 64;

    private readonly ITarget model = new ModelTarget();
    private readonly ITarget emulator = new EmulatorTarget();

    /// <summary>The scenarios every run uses (seeds 1000-1063, 22 guest actions each).</summary>
    public static Scenario[] Scenarios { get; } = Enumerable.Range(1000, ScenarioCount)
        .Select(seed => new SeededScenarioBuilder(new Random(seed)).Build(guestSteps: 22, finalSweep: false))
        .ToArray();

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
