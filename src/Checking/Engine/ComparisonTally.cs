using PmuConformance.Checking.Checks;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Engine;

/// <summary>
/// What the comparisons of a run's cases found, summed: cases the target could not run here, steps
/// checked and not checkable (by reason), known deviations shown and no longer shown, and every
/// mismatch. A target compared exactly only adds checked steps and its one mismatch; for a target
/// compared through a projection (a kernel) this is the report its run prints.
/// </summary>
public sealed class ComparisonTally
{
    private readonly Dictionary<string, int> uncheckedByReason = [];
    private readonly Dictionary<string, int> shown = [];
    private readonly Dictionary<string, int> noLongerShown = [];
    private readonly List<Mismatch> mismatches = [];

    public long NotRunnable { get; private set; }

    public long CheckedSteps { get; private set; }

    public long UncheckedSteps { get; private set; }

    public IReadOnlyDictionary<string, int> UncheckedByReason => uncheckedByReason;

    /// <summary>Per known deviation, how many cases showed it.</summary>
    public IReadOnlyDictionary<string, int> Shown => shown;

    /// <summary>Per deviation expected of the target, how many cases exercised it without the target showing it.</summary>
    public IReadOnlyDictionary<string, int> NoLongerShown => noLongerShown;

    public IReadOnlyList<Mismatch> Mismatches => mismatches;

    public void Add(CheckOutcome outcome)
    {
        if (outcome.NotRunnable is not null)
        {
            AddNotRunnable();
        }
        if (outcome.Comparison is { } comparison)
        {
            Add(comparison);
        }
    }

    /// <summary>A case the target could not run here.</summary>
    public void AddNotRunnable() => NotRunnable++;

    /// <summary>A case the target ran, as its comparison judged it.</summary>
    public void Add(ComparisonResult comparison)
    {
        CheckedSteps += comparison.Checked;
        UncheckedSteps += comparison.Unchecked.Count;
        foreach (var step in comparison.Unchecked)
        {
            uncheckedByReason[step.Reason] = uncheckedByReason.GetValueOrDefault(step.Reason) + 1;
        }
        Count(shown, comparison.Shows);
        Count(noLongerShown, comparison.NoLongerShows);
        mismatches.AddRange(comparison.Mismatches);
    }

    private static void Count(Dictionary<string, int> counts, DeviationSet deviations)
    {
        foreach (var id in deviations.Ids)
        {
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }
    }
}
