using PmuConformance.Checking.Coverage;
using System.Text.RegularExpressions;

namespace PmuConformance.Properties.Corpus;

/// <summary>
/// Finds the repository's corpus and the specification beside the repository, from wherever the
/// test assembly runs (bin/Debug/net10.0 under properties/, or a copied output directory).
/// </summary>
public static partial class RepositoryFiles
{
    /// <summary>The repository root: the first ancestor of the test's base directory holding the solution.</summary>
    public static string RepositoryRoot { get; } = Scenarios.RepositoryRoot.Path;

    public static string CorpusDirectory => Path.Combine(RepositoryRoot, "corpora");

    /// <summary>behaviour.md lives in the shared folder beside the repository (../shared/spec).</summary>
    public static string BehaviourSpec => Path.Combine(RepositoryRoot, "..", "shared", "spec", "behaviour.md");

    /// <summary>Every corpus file, as a path relative to the repository root with '/' separators, sorted.</summary>
    public static IReadOnlyList<string> CorpusFiles { get; } =
        Directory.GetFiles(CorpusDirectory, "*.pmu", SearchOption.AllDirectories)
            .Where(f => !File.Exists(Path.Combine(Path.GetDirectoryName(f)!, "repro.c"))) // a report folder's copy (pmuconf report)
            .Select(RelativeName)
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string FullPath(string relativeName) => Path.Combine(RepositoryRoot, relativeName);

    /// <summary>
    /// The rule ids that behaviour.md defines: a list item starting with a bold id (<c>- **F4a**</c>,
    /// <c>- **C1 Selected event.**</c>) or a table row starting with one (<c>| F1 |</c>).
    /// Fails clearly when the file is missing: the spec is always beside the repository in CI.
    /// </summary>
    public static IReadOnlySet<string> RuleIdsOfSpec()
    {
        var path = Path.GetFullPath(BehaviourSpec);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"behaviour.md not found at {path} (expected ../shared/spec/behaviour.md beside the repository)", path);
        }
        return RuleIds.Parse(File.ReadAllText(path)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The ids a corpus file cites on its <c># rules:</c> comment lines.</summary>
    public static IReadOnlyList<string> RulesCitedBy(string relativeName) =>
        File.ReadLines(FullPath(relativeName))
            .Where(line => line.StartsWith("# rules:", StringComparison.Ordinal))
            .SelectMany(line => line["# rules:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();

    private static string RelativeName(string path) =>
        Path.GetRelativePath(RepositoryRoot, path).Replace(Path.DirectorySeparatorChar, '/');
}
