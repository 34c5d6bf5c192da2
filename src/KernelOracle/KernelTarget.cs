using PmuConformance.Checking.Generation;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>
/// A real Linux kernel as a target (<c>kernel:debian-6.1</c>, or <c>kernel:&lt;path&gt;</c>).
/// Scenarios are batched per host preset and run by the probe, each in a fresh VM; the transport
/// takes a batch to the kernel (QEMU by default, one boot per batch; a bundle's results file for
/// real hardware). Comparison with the model goes through <see cref="KernelProjection"/>
/// (<see cref="Comparison"/>); generated scenarios are the kernel's profile on the QEMU presets,
/// with the probe's loop events (<see cref="GeneratorOptions"/>).
/// </summary>
public sealed class KernelTarget(KernelImage kernel, IProbeTransport? transport = null) : ITarget, IHasGeneratorOptions
{
    private readonly IProbeTransport transport = transport ?? new QemuTransport(kernel);

    public const string Prefix = "kernel:";

    /// <summary>The most scenarios one boot runs (<see cref="PreferredBatchSize"/> is what the check engine sends per call): keeps a boot well inside its timeout and the console output small.</summary>
    public const int MaxScenariosPerBoot = 400;

    /// <summary>The most steps of a generated scenario: a boot's console output stays small.</summary>
    public const int GeneratedMaxSteps = 40;

    private readonly List<BatchStatistics> boots = [];

    private ProjectionComparison? comparison;

    /// <summary>Host log splats (H1) of the executions this target produced.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Execution, IReadOnlyList<string>> splats = [];

    public KernelImage Kernel { get; } = kernel;

    public string Name => Prefix + Kernel.Name;

    /// <summary>The boots that completed (a failed boot is a <see cref="TargetFailureException"/>, not a boot).</summary>
    public IReadOnlyList<BatchStatistics> Batches => boots;

    /// <summary>
    /// A check hands the kernel 300 generated scenarios at a time: spread over the presets, one
    /// boot each (per boot at most <see cref="MaxScenariosPerBoot"/>), about half a minute, so the default
    /// check budget (10 s) runs one batch, the 300 scenarios <c>pmuconf kernel</c> generates by default.
    /// </summary>
    public int PreferredBatchSize => 300;

    /// <summary>Through the projection (<see cref="KernelProjection"/>), the known deviations and the host log.</summary>
    public ITargetComparison Comparison => comparison ??= new ProjectionComparison(this);

    /// <summary>Scenarios for the kernel's profile on every QEMU preset (what <c>check --target kernel:K</c> generates).</summary>
    public GeneratorOptions GeneratorOptions => GeneratorOptionsFor([.. HostSpec.Presets.Select(p => p.Host)]);

    /// <summary>Generated scenarios for this kernel on <paramref name="hosts"/>.</summary>
    /// <param name="nestedOnly">Only nested set-ups (behaviour.md section 8: a guest hypervisor, profile 7.2).</param>
    public GeneratorOptions GeneratorOptionsFor(IReadOnlyList<HostSpec> hosts, bool nestedOnly = false) => new()
    {
        Profiles = [Kernel.Profile],
        MaxSteps = GeneratedMaxSteps,
        Hosts = hosts,
        NestedOnly = nestedOnly,
        VmmStepsInNested = false, // open on 7.2: docs/open-findings.md
        Runnable = setup => (!nestedOnly || setup.Vm.Nested) && WhyNotRunnable(setup) is null,
        Prepare = ProbeBatch.LowerEvents,
    };

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
    /// <param name="progress">Told before each boot (<see cref="Progress"/>).</param>
    public static KernelTarget? Resolve(string name, out string? error, Action<string>? progress = null)
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
        return new KernelTarget(image) { Progress = progress };
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
                executions[i] = Execution.NotRunnable(scenarios[i], reason);
            }
        }
        var runnable = Enumerable.Range(0, scenarios.Count).Where(i => executions[i] is null);
        foreach (var group in runnable.GroupBy(i => ProbeBatch.PresetOf(scenarios[i].Setup.Host)!))
        {
            foreach (var chunk in group.Chunk(MaxScenariosPerBoot))
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

    /// <summary>
    /// A completed execution against the model, which runs the intended behaviour plus the known
    /// deviations this kernel is expected to show (<see cref="DeviationJudge"/>), through the
    /// projection; a host log splat fails it (H1) unless it is a known deviation.
    /// </summary>
    public ComparisonResult Compare(Scenario scenario, Execution actual) =>
        HostLog.Verdict(scenario, DeviationJudge.Judge(scenario, actual, ExpectedDeviations, Name), SplatOf(actual), ExpectedDeviations);

    /// <summary>A completed execution against the scenario's own <c>-&gt;</c> expectations, through the same projection.</summary>
    public ComparisonResult CompareWithExpectations(Scenario scenario, Execution actual) =>
        HostLog.Verdict(scenario, KernelProjection.Compare(scenario, actual, Name, fileExpectations: true), SplatOf(actual), ExpectedDeviations);

    /// <summary>The host log splat (H1) the probe reported with this execution, or nothing.</summary>
    public IReadOnlyList<string> SplatOf(Execution execution) => splats.TryGetValue(execution, out var splat) ? splat : [];

    /// <summary>One boot for the batch. A boot that fails is the harness's failure: thrown once, never charged to the scenarios.</summary>
    private List<Execution> RunBatch(string preset, List<Scenario> batch)
    {
        Progress?.Invoke($"kernel {Kernel.Name} ({preset}): booting for {batch.Count} scenario(s)");
        var result = transport.Run(preset, ProbeBatch.Write(batch));
        if (!result.Completed)
        {
            throw new TargetFailureException($"kernel {Kernel.Name} ({preset}) did not boot to the probe's end: {result.Problem}");
        }
        boots.Add(new BatchStatistics(preset, batch.Count, result.Elapsed, result.StartUp, result.ScenarioTime));
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
            return Execution.NotRunnable(scenario, "the probe could not run it: " + reason);
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
