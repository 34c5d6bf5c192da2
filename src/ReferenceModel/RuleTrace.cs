namespace PmuConformance.ReferenceModel;

/// <summary>
/// Records which rules of behaviour.md decided something while a scenario ran, so that tests can
/// show which parts of the specification a set of scenarios exercised.
/// </summary>
public sealed class RuleTrace
{
    private readonly HashSet<string> cited = [];

    public IReadOnlySet<string> Cited => cited;

    public void Cite(string ruleId) => cited.Add(ruleId);

    /// <summary>Forgets what was cited, so that a caller can see the rules of one step (pmuconf explain).</summary>
    public void Clear() => cited.Clear();
}
