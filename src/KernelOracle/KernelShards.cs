using System.Text.Json;
using System.Text.RegularExpressions;
using PmuConformance.Checking.Engine;

namespace PmuConformance.KernelOracle;

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
                    Shown = Sum(sum.Shown, report.Shown),
                    NoLongerShown = Sum(sum.NoLongerShown, report.NoLongerShown),
                    UncheckedByReason = Sum(sum.UncheckedByReason, report.UncheckedByReason),
                };
            }
        }
        return merged;
    }

    private static Dictionary<string, int> Sum(IReadOnlyDictionary<string, int> a, IReadOnlyDictionary<string, int> b)
    {
        var sum = new Dictionary<string, int>(a);
        foreach (var (key, count) in b)
        {
            sum[key] = sum.GetValueOrDefault(key) + count;
        }
        return sum;
    }

    /// <summary>The source of a sharded report without its " [shard i/n]" suffix.</summary>
    public static string WithoutShard(string source) => ShardSuffix().Replace(source, "");

    /// <summary>A source with the shard it came from, for the printed summary (nothing when unsharded).</summary>
    public static string WithShard(string source, Shard shard) => shard.IsAll ? source : $"{source} [shard {shard}]";

    [GeneratedRegex(@" \[shard \d+/\d+\]$")]
    private static partial Regex ShardSuffix();
}
