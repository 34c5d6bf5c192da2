using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>
/// behaviour.md H1: nothing a scenario does may make the host kernel log a WARNING, BUG, Oops,
/// "Unable to handle", lockdep or RCU splat. The probe reads the host's log after every scenario
/// (probe/hostlog.c) and reports such a splat with the scenario; the scenario then fails on the
/// kernel whatever the model says, with the splat's first lines as what the kernel did.
/// </summary>
public static class HostLog
{
    /// <summary>Lines of a splat shown in a disagreement.</summary>
    public const int ShownLines = 6;

    /// <summary>
    /// The comparison with the H1 verdict added: a mismatch at the scenario's last step when the host
    /// logged a splat, unless the splat is a known deviation (the ledger's <c>splat</c> words)
    /// expected of this kernel or named by the scenario: then the scenario "shows" it.
    /// </summary>
    public static ComparisonResult Verdict(Scenario scenario, ComparisonResult comparison, IReadOnlyList<string> splat, DeviationSet expected)
    {
        if (splat.Count == 0)
        {
            return comparison;
        }
        var known = DeviationLedger.All.FirstOrDefault(d =>
            (expected.Contains(d.Id) || scenario.Setup.Deviations.Contains(d.Id)) && d.Matches(splat));
        if (known is not null)
        {
            return comparison with { Shows = comparison.Shows.Union(new DeviationSet([known.Id])) };
        }
        var last = scenario.Steps.Count - 1;
        var line = last >= 0 ? scenario.Steps[last].Line : 0;
        var shown = string.Join(" | ", splat.Take(ShownLines));
        var mismatch = new Mismatch(scenario.Source, line, Math.Max(last, 0), "no host kernel splat (H1)", "host kernel log: " + shown);
        return comparison with { Mismatches = [.. comparison.Mismatches, mismatch] };
    }
}
