using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Coverage;

/// <summary>The labels of one case: the rule ids the model cited and the scenario's edge classes.</summary>
public static class Labels
{
    public static IReadOnlySet<string> Of(Scenario scenario, Execution model, IEnumerable<string> rules)
    {
        var labels = new HashSet<string>(rules);
        labels.UnionWith(EdgeClasses.Of(scenario, model));
        return labels;
    }
}
