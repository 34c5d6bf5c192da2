using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>
/// One CHECK line of a batch (probe/check.c): what a kernel must give at one step. <paramref name="Intended"/>
/// is the model without deviations (behaviour.md); <paramref name="Deviated"/> what the known
/// deviation <paramref name="Deviation"/> gives instead (null when no expected deviation moves this result).
/// </summary>
public sealed record ProbeCheck(int StepIndex, int Line, string Text, string Intended, string? Deviated, string? Deviation, IReadOnlyList<string> Rules)
{
    /// <summary>The batch line: <c>CHECK &lt;step&gt; &lt;intended&gt; &lt;deviated&gt; &lt;deviation&gt; &lt;line&gt; &lt;text&gt;</c>.</summary>
    public string BatchLine =>
        $"CHECK {StepIndex} {Intended} {Deviated ?? "-"} {Deviation ?? "-"} {Line} {Text.Replace('#', ' ')}";
}

/// <summary>The checks a probe can make without .NET: the projection's expectations, intended and with the known deviations.</summary>
public static class ProbeChecks
{
    /// <summary>
    /// Per checkable step: the intended expectation, and where the deviations the kernel is expected
    /// to show (<paramref name="expected"/>, plus the scenario's own) move it, the deviated one and the
    /// deviation that moves it.
    /// </summary>
    public static IReadOnlyList<ProbeCheck> For(Scenario scenario, DeviationSet expected)
    {
        var intent = WithDeviations(scenario, DeviationSet.None);
        var predicted = expected.Union(scenario.Setup.Deviations);
        var intended = KernelProjection.Expectations(intent);
        var deviated = Plan(WithDeviations(scenario, predicted));
        var single = predicted.Ids.ToDictionary(id => id, id => Plan(WithDeviations(scenario, new DeviationSet([id]))));
        var rules = RulesPerStep(intent);
        var checks = new List<ProbeCheck>();
        foreach (var e in intended)
        {
            var other = deviated.GetValueOrDefault(e.StepIndex);
            var moved = other is not null && other != e.Check;
            var by = moved ? predicted.Ids.FirstOrDefault(id => single[id].GetValueOrDefault(e.StepIndex) != e.Check) ?? string.Join(",", predicted.Ids) : null;
            checks.Add(new ProbeCheck(e.StepIndex, e.Line, scenario.Steps[e.StepIndex].Step.Text, e.Check,
                moved ? other : null, by, rules[e.StepIndex]));
        }
        return checks;
    }

    /// <summary>The projection's expectations by step.</summary>
    private static Dictionary<int, string> Plan(Scenario scenario) =>
        KernelProjection.Expectations(scenario).ToDictionary(e => e.StepIndex, e => e.Check);

    /// <summary>The behaviour.md rules the model cites at each step (its RuleTrace, step by step).</summary>
    public static IReadOnlyList<string>[] RulesPerStep(Scenario scenario)
    {
        var trace = new RuleTrace();
        var vm = new GuardedVm(new ModelVm(scenario.Setup, trace), scenario.Setup);
        var rules = new IReadOnlyList<string>[scenario.Steps.Count];
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i].Step;
            trace.Clear();
            if (vm.WhyImpossible(step) is null)
            {
                vm.Apply(step);
            }
            rules[i] = [.. trace.Cited.Order(StringComparer.Ordinal)];
        }
        return rules;
    }

    private static Scenario WithDeviations(Scenario scenario, DeviationSet deviations) =>
        scenario with { Setup = scenario.Setup with { Deviations = deviations } };
}
