using System.Text.Json;
using System.Text.RegularExpressions;

namespace PmuConformance.KernelOracle;

/// <summary>
/// One part of a kernel-oracle run (<c>--shard i/n</c>): corpus file k and generated case k belong to
/// shard <c>(k mod n) + 1</c>, so n machines (or n QEMUs) split a run deterministically and their
/// results merge into the run's report.
/// </summary>
public readonly partial record struct Shard(int Index, int Count)
{
    public static readonly Shard All = new(1, 1);

    public bool IsAll => Count == 1;

    /// <summary>Whether item <paramref name="k"/> (0-based, in the run's order) is this shard's.</summary>
    public bool Takes(int k) => k % Count == Index - 1;

    public IEnumerable<T> Of<T>(IEnumerable<T> items)
    {
        var shard = this;
        return items.Where((_, k) => shard.Takes(k));
    }

    public override string ToString() => $"{Index}/{Count}";

    /// <summary><c>i/n</c> with 1 &lt;= i &lt;= n; null with a message otherwise.</summary>
    public static Shard? Parse(string text, out string? error)
    {
        error = null;
        var match = Pattern().Match(text);
        if (match.Success && int.TryParse(match.Groups[1].Value, out var i) && int.TryParse(match.Groups[2].Value, out var n) && n >= 1 && i >= 1 && i <= n)
        {
            return new Shard(i, n);
        }
        error = $"--shard: '{text}' is not i/n with 1 <= i <= n";
        return null;
    }

    [GeneratedRegex(@"^(\d+)/(\d+)$")]
    private static partial Regex Pattern();
}

/// <summary>The results file of one shard (JSON): its reports; and the merge of several.</summary>
public static partial class KernelResults
{
    private sealed record File(string Shard, IReadOnlyList<KernelReport> Reports);

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>The default results file of a shard.</summary>
    public static string DefaultPath(Shard shard) => $"kernel-results-{shard.Index}-of-{shard.Count}.json";

    public static void Save(string path, Shard shard, IReadOnlyList<KernelReport> reports) =>
        System.IO.File.WriteAllText(path, JsonSerializer.Serialize(new File(shard.ToString(), reports), Options));

    /// <summary>
    /// The reports of several results files summed per kernel and source (the shard suffix of a source
    /// is dropped), in the order they first appear: counts add up, disagreements, problems, findings
    /// and boots are concatenated. Throws with the file name when a file is unreadable.
    /// </summary>
    public static IReadOnlyList<KernelReport> Merge(IEnumerable<string> paths)
    {
        var merged = new List<KernelReport>();
        foreach (var path in paths)
        {
            File? file;
            try
            {
                file = JsonSerializer.Deserialize<File>(System.IO.File.ReadAllText(path), Options);
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidDataException($"{path}: not a kernel results file ({e.Message})", e);
            }
            foreach (var report in file?.Reports ?? throw new InvalidDataException($"{path}: empty results file"))
            {
                var source = WithoutShard(report.Source);
                var at = merged.FindIndex(r => r.Kernel == report.Kernel && r.Source == source);
                if (at < 0)
                {
                    merged.Add(report with { Source = source });
                    continue;
                }
                var sum = merged[at];
                merged[at] = sum with
                {
                    Scenarios = sum.Scenarios + report.Scenarios,
                    NotRunnable = sum.NotRunnable + report.NotRunnable,
                    CheckedLines = sum.CheckedLines + report.CheckedLines,
                    UncheckedLines = sum.UncheckedLines + report.UncheckedLines,
                    Mismatches = [.. sum.Mismatches, .. report.Mismatches],
                    Problems = [.. sum.Problems, .. report.Problems],
                    Findings = [.. sum.Findings, .. report.Findings],
                    Boots = [.. sum.Boots, .. report.Boots],
                };
            }
        }
        return merged;
    }

    /// <summary>The source of a sharded report without its " [shard i/n]" suffix.</summary>
    public static string WithoutShard(string source) => ShardSuffix().Replace(source, "");

    /// <summary>A source with the shard it came from, for the printed summary (nothing when unsharded).</summary>
    public static string WithShard(string source, Shard shard) => shard.IsAll ? source : $"{source} [shard {shard}]";

    [GeneratedRegex(@" \[shard \d+/\d+\]$")]
    private static partial Regex ShardSuffix();
}
