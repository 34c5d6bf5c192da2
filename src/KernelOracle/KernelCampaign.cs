using PmuConformance.Checking.Engine;
using PmuConformance.Checking.Generation;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>What one kernel showed for a set of scenarios, compared with the model through the projection.</summary>
public sealed record KernelReport(
    string Kernel,
    string Source,
    int Scenarios,
    int NotRunnable,
    int CheckedLines,
    int UncheckedLines,
    IReadOnlyList<Mismatch> Mismatches,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Findings,
    IReadOnlyList<BatchStatistics> Boots)
{
    public bool Agrees => Mismatches.Count == 0 && Problems.Count == 0;

    /// <summary>The report of <paramref name="scenarios"/> scenarios whose comparisons <paramref name="tally"/> summed.</summary>
    public static KernelReport Of(string kernel, string source, int scenarios, ComparisonTally tally, IReadOnlyList<string> problems,
        IReadOnlyList<string> findings, IReadOnlyList<BatchStatistics> boots) =>
        new(kernel, source, scenarios, (int)tally.NotRunnable, (int)tally.CheckedSteps, (int)tally.UncheckedSteps, [.. tally.Mismatches], problems, findings, boots)
        {
            Shown = new Dictionary<string, int>(tally.Shown),
            NoLongerShown = new Dictionary<string, int>(tally.NoLongerShown),
            UncheckedByReason = new Dictionary<string, int>(tally.UncheckedByReason),
        };

    /// <summary>The not checkable lines by reason.</summary>
    public IReadOnlyDictionary<string, int> UncheckedByReason { get; init; } = new Dictionary<string, int>();

    /// <summary>Per known deviation, how many scenarios showed it (behaviour.md section 13).</summary>
    public IReadOnlyDictionary<string, int> Shown { get; init; } = new Dictionary<string, int>();

    /// <summary>Per expected deviation, how many scenarios exercised it without the kernel showing it.</summary>
    public IReadOnlyDictionary<string, int> NoLongerShown { get; init; } = new Dictionary<string, int>();

    /// <summary>Scenarios per second per boot after start-up (first result to end marker), over all boots.</summary>
    public double ScenariosPerSecond
    {
        get
        {
            var work = Boots.Sum(b => b.ScenarioTime.TotalSeconds);
            return work > 0 ? Boots.Sum(b => b.Scenarios) / work : 0;
        }
    }
}

/// <summary>
/// Runs scenarios on a real kernel and compares them with the model: the corpus files the kernel
/// can run, and scenarios generated for the kernel's profile on the QEMU presets.
/// </summary>
public static class KernelCampaign
{
    /// <summary>Every file's scenario on the kernel; files it cannot run are counted, not hidden.</summary>
    public static KernelReport Replay(KernelTarget target, IReadOnlyList<Scenario> scenarios, string source) =>
        Run(target, scenarios, source);

    /// <summary><paramref name="count"/> generated scenarios for the kernel's profile, on the given QEMU presets.</summary>
    /// <param name="nestedOnly">Only nested set-ups (behaviour.md section 8: a guest hypervisor, profile 7.2).</param>
    /// <param name="shard">Only the cases of this shard (case k belongs to shard k mod n + 1); the source names the whole run and the shard.</param>
    public static KernelReport Generated(KernelTarget target, int count, ulong seed, IReadOnlyList<HostSpec> hosts, bool nestedOnly = false, Shard? shard = null)
    {
        var part = shard ?? Shard.All;
        var scenarios = GenerateScenarios(target, count, seed, hosts, nestedOnly, part);
        return Run(target, scenarios, GeneratedSource(count, seed, hosts, nestedOnly, part));
    }

    /// <summary>
    /// How a report names <paramref name="count"/> generated scenarios (<c>300 generated on qemu-max (seed 0x1)</c>,
    /// with the shard): the results of a sharded run merge by it.
    /// </summary>
    public static string GeneratedSource(long count, ulong seed, IReadOnlyList<HostSpec>? hosts, bool nestedOnly, Shard shard)
    {
        var presets = hosts is null ? "any host" : string.Join("+", hosts.Select(h => h.PresetName ?? "custom"));
        return KernelResults.WithShard($"{count} generated{(nestedOnly ? " nested" : "")} on {presets} (seed {Numbers.Hex(seed)})", shard);
    }

    /// <summary>
    /// The scenarios <see cref="Generated"/> runs (a bundle carries the same ones): the numbered
    /// cases 0 to count - 1 of the seed (<see cref="NumberedCases"/>) that the shard takes, as
    /// <c>pmuconf check --target kernel:K</c> draws them.
    /// </summary>
    public static IReadOnlyList<Scenario> GenerateScenarios(KernelTarget target, int count, ulong seed, IReadOnlyList<HostSpec> hosts, bool nestedOnly = false, Shard? shard = null)
    {
        var part = shard ?? Shard.All;
        var options = target.GeneratorOptionsFor(hosts, nestedOnly);
        return [.. Enumerable.Range(0, count).Where(i => part.Takes(i)).Select(i => NumberedCases.Case(options, seed, i))];
    }

    private static KernelReport Run(KernelTarget target, IReadOnlyList<Scenario> scenarios, string source)
    {
        var bootsBefore = target.Batches.Count;
        IReadOnlyList<Execution> executions;
        try
        {
            executions = target.ExecuteAll(scenarios);
        }
        catch (TargetFailureException e)
        {
            // The kernel did not boot: one problem for the whole source, not one per scenario.
            return new KernelReport(target.Name, source, scenarios.Count, 0, 0, 0, [], [e.Message], [],
                target.Batches.Skip(bootsBefore).ToList());
        }
        var tally = new ComparisonTally();
        var problems = new List<string>();
        var findings = new List<string>();
        for (var i = 0; i < scenarios.Count; i++)
        {
            var execution = executions[i];
            if (execution.Error is not null && target.SplatOf(execution) is { Count: > 0 } splat)
            {
                // H1 holds whether or not the scenario could be run to its end.
                problems.Add($"{scenarios[i].Source}: the host kernel logged a splat (H1): {string.Join(" | ", splat.Take(HostLog.ShownLines))}");
            }
            if (execution.Status == ExecutionStatus.NotRunnable)
            {
                tally.AddNotRunnable();
                continue;
            }
            if (execution.Error is { } error)
            {
                problems.Add(error.Message);
                continue;
            }
            var comparison = target.Compare(scenarios[i], execution);
            tally.Add(comparison);
            if (!comparison.Agrees)
            {
                findings.Add(WriteFinding(target, scenarios[i], comparison));
            }
        }
        return KernelReport.Of(target.Name, source, scenarios.Count, tally, problems, findings, target.Batches.Skip(bootsBefore).ToList());
    }

    /// <summary>A disagreement as a .pmu file with the model's values, the kernel's in comments.</summary>
    private static string WriteFinding(KernelTarget target, Scenario scenario, ComparisonResult comparison)
    {
        var model = new PmuConformance.ReferenceModel.ModelTarget().Execute(scenario);
        var header = new List<string>
        {
            $"Disagreement between the model and {target.Name} ({target.Kernel.Release}), from {scenario.Source}",
        };
        header.AddRange(comparison.Mismatches.Select(m => $"step {m.StepIndex + 1}: model {m.Expected}, kernel {m.Actual}"));
        var text = ScenarioPrinter.Print(scenario with { Comments = header }, model.Outcomes.Select(o => (Outcome?)o).ToList());
        return Findings.TryWrite(Findings.DefaultDirectory(), "kernel-" + target.Kernel.Name, text, out var problem)
            ?? $"NOT written ({problem}); the repro:\n{text}";
    }

    /// <summary>A one-line summary for progress and CI logs.</summary>
    public static string Summary(KernelReport report)
    {
        var boots = report.Boots;
        if (boots.Count == 0 && report.Problems.Count > 0)
        {
            return $"{report.Kernel} {report.Source}: {report.Scenarios} scenarios, none run: the kernel could not be booted";
        }
        var startUp = boots.Count > 0 ? boots.Average(b => b.StartUp.TotalSeconds) : 0;
        return $"{report.Kernel} {report.Source}: {report.Scenarios} scenarios ({report.NotRunnable} not runnable here), "
            + $"{report.CheckedLines} lines checked, {report.UncheckedLines} not checkable, {report.Mismatches.Count} new disagreements"
            + string.Concat(report.Shown.OrderBy(p => p.Key).Select(p => $", shows {p.Key} in {p.Value}"))
            + string.Concat(report.NoLongerShown.OrderBy(p => p.Key).Select(p => $", no longer shows {p.Key} in {p.Value}"))
            + "; "
            + $"{boots.Count} boot(s), start-up {startUp:0.0} s, {report.ScenariosPerSecond:0} scenarios/s after start-up";
    }
}
