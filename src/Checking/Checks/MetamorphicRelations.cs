using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Checks;

/// <summary>Property (c): rewrites of the filter calls that must not change any outcome (B1, B2).</summary>
public static class MetamorphicRelations
{
    public static IReadOnlyList<IScenarioCheck> All(ITarget? subject = null) =>
    [
        new SplitRangeRelation(subject),
        new RepeatLastFilterRelation(subject),
        new EmptyDenyAfterFirstRelation(subject),
        new SwapDisjointRangesRelation(subject),
    ];

    /// <summary>Indices of the FILTER calls the model accepted, in order.</summary>
    internal static List<int> Accepted(Scenario scenario, Execution transcript) =>
        Enumerable.Range(0, scenario.Steps.Count)
            .Where(i => scenario.Steps[i].Step is FilterStep && transcript.Outcomes[i].Kind == OutcomeKind.Ok)
            .ToList();

    internal static bool Overlap(FilterStep a, FilterStep b) =>
        a.Base < (uint)b.Base + b.Count && b.Base < (uint)a.Base + a.Count;
}

/// <summary>B2: an accepted range split into two adjacent pieces with the same action is the same filter.</summary>
public sealed class SplitRangeRelation(ITarget? subject = null) : ModelComparisonCheck(subject)
{
    protected override string LawName => "meta-split-range";

    public override string Statement => "splitting a range into adjacent pieces with the same action changes nothing (B2)";

    protected override Comparison? Derive(Scenario scenario, Execution transcript)
    {
        var split = MetamorphicRelations.Accepted(scenario, transcript)
            .Where(i => ((FilterStep)scenario.Steps[i].Step).Count >= 2)
            .ToHashSet();
        if (split.Count == 0)
        {
            return null;
        }
        var variant = new VariantBuilder(scenario);
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            if (!split.Contains(i))
            {
                variant.Keep(i);
                continue;
            }
            var f = (FilterStep)scenario.Steps[i].Step;
            var first = (ushort)(f.Count / 2);
            variant.Add(f with { Count = first }, sameAs: i);
            variant.Add(f with { Base = (ushort)(f.Base + first), Count = (ushort)(f.Count - first) }, sameAs: i);
        }
        return variant.Build();
    }
}

/// <summary>B2: applying the last accepted filter a second time changes nothing.</summary>
public sealed class RepeatLastFilterRelation(ITarget? subject = null) : ModelComparisonCheck(subject)
{
    protected override string LawName => "meta-repeat-last-filter";

    public override string Statement => "repeating the last accepted filter right after it changes nothing (B2)";

    protected override Comparison? Derive(Scenario scenario, Execution transcript)
    {
        var accepted = MetamorphicRelations.Accepted(scenario, transcript);
        if (accepted.Count == 0)
        {
            return null;
        }
        var last = accepted[^1];
        var variant = new VariantBuilder(scenario);
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            variant.Keep(i);
            if (i == last)
            {
                variant.Add(scenario.Steps[i].Step, sameAs: i);
            }
        }
        return variant.Build();
    }
}

/// <summary>B1, F7: <c>deny 0 0</c> after the first filter neither re-applies a default nor changes a bit.</summary>
public sealed class EmptyDenyAfterFirstRelation(ITarget? subject = null) : ModelComparisonCheck(subject)
{
    protected override string LawName => "meta-empty-deny-after-first";

    public override string Statement => "'filter deny 0 0' right after the first accepted filter changes nothing (B1, F7)";

    protected override Comparison? Derive(Scenario scenario, Execution transcript)
    {
        var accepted = MetamorphicRelations.Accepted(scenario, transcript);
        if (accepted.Count == 0)
        {
            return null;
        }
        var first = accepted[0];
        var variant = new VariantBuilder(scenario);
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            variant.Keep(i);
            if (i == first)
            {
                variant.Add(new FilterStep(scenario.Steps[i].Step.Vcpu, FilterStep.Deny, 0, 0), sameAs: i);
            }
        }
        return variant.Build();
    }
}

/// <summary>
/// B2: two accepted disjoint ranges with the same action, neither of them the first filter, can
/// swap places (when no accepted filter between them touches either range).
/// </summary>
public sealed class SwapDisjointRangesRelation(ITarget? subject = null) : ModelComparisonCheck(subject)
{
    protected override string LawName => "meta-swap-disjoint-ranges";

    public override string Statement => "swapping two disjoint ranges of the same action (neither first) changes nothing (B2)";

    protected override Comparison? Derive(Scenario scenario, Execution transcript)
    {
        var accepted = MetamorphicRelations.Accepted(scenario, transcript);
        for (var a = 1; a < accepted.Count; a++)
        {
            for (var b = a + 1; b < accepted.Count; b++)
            {
                var x = (FilterStep)scenario.Steps[accepted[a]].Step;
                var y = (FilterStep)scenario.Steps[accepted[b]].Step;
                var between = accepted.Skip(a + 1).Take(b - a - 1).Select(k => (FilterStep)scenario.Steps[k].Step);
                if (x.Action == y.Action && !MetamorphicRelations.Overlap(x, y) && x != y
                    && between.All(m => !MetamorphicRelations.Overlap(m, x) && !MetamorphicRelations.Overlap(m, y)))
                {
                    return Swap(scenario, accepted[a], accepted[b]);
                }
            }
        }
        return null;
    }

    private static Comparison Swap(Scenario scenario, int i, int j)
    {
        var x = (FilterStep)scenario.Steps[i].Step;
        var y = (FilterStep)scenario.Steps[j].Step;
        var variant = new VariantBuilder(scenario);
        for (var k = 0; k < scenario.Steps.Count; k++)
        {
            if (k == i)
            {
                variant.Add(x with { Base = y.Base, Count = y.Count, Pad = y.Pad }, sameAs: k);
            }
            else if (k == j)
            {
                variant.Add(y with { Base = x.Base, Count = x.Count, Pad = x.Pad }, sameAs: k);
            }
            else
            {
                variant.Keep(k);
            }
        }
        return variant.Build();
    }
}
