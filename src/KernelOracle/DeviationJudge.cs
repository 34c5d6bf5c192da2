using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>
/// Decides what a kernel's transcript says about the known deviations (behaviour.md section 13).
/// The model runs the intended behaviour, and with the deviations the kernel is expected to show
/// (the ledger's list for it, plus any the scenario names) switched on. A deviation is <b>shown</b>
/// when the kernel matches the model with it and not without it, and <b>no longer shown</b> when the
/// kernel matches the model without it and not with it; both are judged through the projection, so
/// a deviation that only moves values the projection cannot see counts as neither. A transcript no
/// choice of deviations explains is a new disagreement.
/// </summary>
public static class DeviationJudge
{
    public static ComparisonResult Judge(Scenario scenario, Execution kernel, DeviationSet expected, string targetName)
    {
        var intent = scenario with { Setup = scenario.Setup with { Deviations = DeviationSet.None } };
        var predicted = expected.Union(scenario.Setup.Deviations);

        ComparisonResult Compare(DeviationSet deviations) =>
            KernelProjection.Compare(WithDeviations(intent, deviations), kernel, targetName);

        foreach (var choice in Choices(predicted))
        {
            var comparison = Compare(choice);
            if (comparison.Mismatches.Count > 0)
            {
                continue;
            }
            // Only what the observation tells apart counts: a deviation hidden by the projection is
            // neither shown nor "no longer shown".
            var shows = choice.Ids.Where(d => Compare(choice.Except(One(d))).Mismatches.Count > 0);
            var gone = predicted.Except(choice).Ids.Where(d => Compare(choice.Union(One(d))).Mismatches.Count > 0);
            return comparison with { Shows = new DeviationSet(shows), NoLongerShows = new DeviationSet(gone) };
        }
        return Compare(predicted);
    }

    /// <summary>Subsets of <paramref name="predicted"/> to try: all of it first, then by size, largest first.</summary>
    private static IEnumerable<DeviationSet> Choices(DeviationSet predicted)
    {
        yield return predicted;
        var ids = predicted.Ids;
        var subsets = Enumerable.Range(0, 1 << ids.Count)
            .Select(bits => new DeviationSet(ids.Where((_, k) => (bits & (1 << k)) != 0)))
            .Where(s => !s.Equals(predicted))
            .OrderByDescending(s => s.Ids.Count);
        foreach (var subset in subsets)
        {
            yield return subset;
        }
    }

    private static DeviationSet One(string id) => new([id]);

    private static Scenario WithDeviations(Scenario scenario, DeviationSet deviations) =>
        scenario with { Setup = scenario.Setup with { Deviations = deviations } };
}
