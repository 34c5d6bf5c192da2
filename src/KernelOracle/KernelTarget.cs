using System.Text;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>One boot of the kernel: how many scenarios it ran, how long it took, its start-up and the batch's own time.</summary>
public sealed record BootStatistics(string Preset, int Scenarios, TimeSpan Elapsed, TimeSpan StartUp, TimeSpan ScenarioTime);

/// <summary>
/// A real Linux kernel as a target (<c>kernel:debian-6.1</c>, or <c>kernel:&lt;path&gt;</c>).
/// Scenarios are batched per host preset and run by the probe, each in a fresh VM; the transport
/// takes a batch to the kernel (QEMU by default, one boot per batch; a bundle's results file for
/// real hardware). Comparison with the model goes through <see cref="KernelProjection"/>.
/// </summary>
public sealed class KernelTarget(KernelImage kernel, IProbeTransport? transport = null) : IProjectingTarget
{
    private readonly IProbeTransport transport = transport ?? new QemuTransport(kernel);

    public const string Prefix = "kernel:";

    /// <summary>Scenarios per boot: keeps one boot well inside its timeout and the console output small.</summary>
    public const int BatchSize = 400;

    private readonly List<BootStatistics> boots = [];

    /// <summary>Host log splats (H1) of the executions this target produced.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Execution, IReadOnlyList<string>> splats = [];

    public KernelImage Kernel { get; } = kernel;

    public string Name => Prefix + Kernel.Name;

    /// <summary>The boots that completed (a failed boot is a <see cref="TargetFailureException"/>, not a boot).</summary>
    public IReadOnlyList<BootStatistics> Boots => boots;

    /// <summary>
    /// The known deviations this kernel is expected to show: the ledger's list for a kernel the
    /// oracle knows (debian-7.2 ...), its profile's list for any other build.
    /// </summary>
    public DeviationSet ExpectedDeviations => KernelImage.DebianNames.Contains(Kernel.Name)
        ? DeviationLedger.ForKernel(Kernel.Name)
        : ProfileRules.Of(Kernel.Profile).Deviations;

    /// <summary>Told before each boot, so that a minute of booting is not a minute of silence.</summary>
    public Action<string>? Progress { get; set; }

    /// <summary>Resolves <c>kernel:&lt;spec&gt;</c>; null with a message if the kernel or QEMU is missing.</summary>
    public static KernelTarget? Resolve(string name, out string? error)
    {
        var image = KernelImage.Resolve(name[Prefix.Length..], out error);
        if (image is null)
        {
            return null;
        }
        if (QemuBoot.WhyMissing(Environment.GetEnvironmentVariable("PATH")) is { } missing)
        {
            error = missing;
            return null;
        }
        return new KernelTarget(image);
    }

    public string? WhyNotRunnable(Setup setup) => WhyNotRunnable(new Scenario(setup, []));

    public string? WhyNotRunnable(Scenario scenario) =>
        ProbeBatch.WhyNotRunnable(scenario, Kernel.Profile, preset => QemuBoot.MachineFor(preset, Kernel.Profile).Nested);

    public Execution Execute(Scenario scenario) => ExecuteAll([scenario])[0];

    public IReadOnlyList<Execution> ExecuteAll(IReadOnlyList<Scenario> scenarios)
    {
        var executions = new Execution?[scenarios.Count];
        for (var i = 0; i < scenarios.Count; i++)
        {
            if (WhyNotRunnable(scenarios[i]) is { } reason)
            {
                executions[i] = NotRunnable(scenarios[i], reason);
            }
        }
        var runnable = Enumerable.Range(0, scenarios.Count).Where(i => executions[i] is null);
        foreach (var group in runnable.GroupBy(i => ProbeBatch.PresetOf(scenarios[i].Setup.Host)!))
        {
            foreach (var chunk in group.Chunk(BatchSize))
            {
                var results = RunBatch(group.Key, chunk.Select(i => scenarios[i]).ToList());
                for (var k = 0; k < chunk.Length; k++)
                {
                    executions[chunk[k]] = results[k];
                }
            }
        }
        return executions.Select(e => e!).ToList();
    }

    public ProjectedComparison Compare(Scenario scenario, Execution actual) =>
        HostLog.Verdict(scenario, DeviationJudge.Judge(scenario, actual, ExpectedDeviations, Name),
            splats.TryGetValue(actual, out var splat) ? splat : [], ExpectedDeviations);

    public ProjectedComparison CompareWithExpectations(Scenario scenario, Execution actual) =>
        HostLog.Verdict(scenario, KernelProjection.Compare(scenario, actual, Name, fileExpectations: true),
            splats.TryGetValue(actual, out var splat) ? splat : [], ExpectedDeviations);

    /// <summary>The host log splat (H1) the probe reported with this execution, or nothing.</summary>
    public IReadOnlyList<string> SplatOf(Execution execution) => splats.TryGetValue(execution, out var splat) ? splat : [];

    private static Execution NotRunnable(Scenario scenario, string reason) =>
        new([], new ScenarioException(scenario.Source, 0, "not runnable here: " + reason));

    /// <summary>One boot for the batch. A boot that fails is the harness's failure: thrown once, never charged to the scenarios.</summary>
    private List<Execution> RunBatch(string preset, List<Scenario> batch)
    {
        Progress?.Invoke($"kernel {Kernel.Name} ({preset}): booting for {batch.Count} scenario(s)");
        var result = transport.Run(preset, ProbeBatch.Write(batch));
        if (!result.Completed)
        {
            throw new TargetFailureException($"kernel {Kernel.Name} ({preset}) did not boot to the probe's end: {result.Problem}");
        }
        boots.Add(new BootStatistics(preset, batch.Count, result.Elapsed, result.StartUp, result.ScenarioTime));
        var (results, _) = ProbeOutput.Parse(result.ProbeLines);
        return batch.Select((scenario, i) =>
        {
            var probeResult = results.GetValueOrDefault($"s{i}");
            var execution = ToExecution(scenario, probeResult);
            if (probeResult is { Splat.Count: > 0 })
            {
                splats.AddOrUpdate(execution, probeResult.Splat);
            }
            return execution;
        }).ToList();
    }

    /// <summary>A transcript from the probe's results: steps it does not report (put, load, events) yield nothing.</summary>
    private Execution ToExecution(Scenario scenario, ProbeScenarioResult? result)
    {
        if (result is null || !result.Done)
        {
            return new Execution([], new ScenarioException(scenario.Source, 0, $"kernel {Kernel.Name}: the probe did not finish this scenario"));
        }
        if (result.NotRun is { } reason)
        {
            return NotRunnable(scenario, "the probe could not run it: " + reason);
        }
        var outcomes = new List<Outcome>();
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            if (scenario.Steps[i].Step.Yields == StepYield.Nothing)
            {
                outcomes.Add(Outcome.Nothing);
            }
            else if (result.Results.TryGetValue(i, out var outcome))
            {
                outcomes.Add(outcome);
            }
            else
            {
                return new Execution(outcomes, new ScenarioException(scenario.Source, scenario.Steps[i].Line, $"kernel {Kernel.Name}: the probe gave no result for this step"));
            }
        }
        return new Execution(outcomes);
    }
}
