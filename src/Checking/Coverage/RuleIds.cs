using System.Reflection;
using System.Text.RegularExpressions;

namespace PmuConformance.Checking.Coverage;

/// <summary>
/// The rule ids of behaviour.md, read from the spec itself (embedded at build time), and the short
/// list of ids the model does not decide yet (rules-not-decided-yet.txt).
/// </summary>
public static partial class RuleIds
{
    /// <summary>
    /// Rules no model can decide: they are checked by the kernel oracle itself (H1: the host log).
    /// </summary>
    public static readonly IReadOnlySet<string> OracleOnly = new HashSet<string> { "H1" };

    private static readonly Lazy<IReadOnlyList<string>> FromSpec = new(() =>
        Resource("behaviour.md") is { } text ? Parse(text) : []);

    private static readonly Lazy<IReadOnlySet<string>> NotDecided = new(() =>
        (Resource("rules-not-decided-yet.txt") ?? "").Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' ')[0])
            .ToHashSet(StringComparer.Ordinal));

    /// <summary>Every rule id behaviour.md defines, in the order it defines them (empty if the spec was not beside the repository at build time).</summary>
    public static IReadOnlyList<string> All => FromSpec.Value;

    /// <summary>Ids the spec defines that the model does not decide yet.</summary>
    public static IReadOnlySet<string> NotDecidedYet => NotDecided.Value;

    /// <summary>The rule ids a coverage run of the model must see at least once.</summary>
    public static IEnumerable<string> Required => All.Where(id => !NotDecidedYet.Contains(id) && !OracleOnly.Contains(id));

    /// <summary>
    /// The ids behaviour.md defines: a list item starting with a bold id (<c>- **F4a**</c>,
    /// <c>- **C1 Selected event.**</c>) or a table row starting with one (<c>| F1 |</c>).
    /// </summary>
    public static IReadOnlyList<string> Parse(string specText) =>
        specText.Split('\n')
            .Select(line => RuleDefinition().Match(line))
            .Where(m => m.Success)
            .Select(m => m.Groups["id"].Value)
            .Distinct()
            .ToList();

    private static string? Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name);
        if (stream is null)
        {
            return null;
        }
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?:- \*\*|\| )(?<id>[A-Z][0-9]+[a-z]?)(?=[\s*|])")]
    private static partial Regex RuleDefinition();
}
