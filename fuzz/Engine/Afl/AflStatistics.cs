using System.Globalization;

namespace PmuConformance.Fuzz.Engine;

/// <summary>One afl-fuzz instance's numbers.</summary>
/// <param name="Name">Instance name (main, s1, ...).</param>
/// <param name="ExecutionsPerSecond">Executions per second (plot_data's recent rate, else the run's average).</param>
/// <param name="Executions">Executions so far.</param>
/// <param name="Edges">AFL's edges_found.</param>
/// <param name="CorpusSize">Files in the instance's queue/ folder.</param>
/// <param name="Crashes">Files in the instance's crashes/ folder.</param>
/// <param name="Hangs">Files in the instance's hangs/ folder.</param>
public sealed record AflInstanceStatistics(
    string Name, double ExecutionsPerSecond, long Executions, int Edges, int CorpusSize, int Crashes, int Hangs)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: {ExecutionsPerSecond:F0}/s, execs {Executions}, edges {Edges}, corpus {CorpusSize}, crashes {Crashes}, hangs {Hangs}");

    /// <summary>
    /// Reads an instance folder; null until afl-fuzz wrote anything. afl-fuzz 4.04c rewrites
    /// fuzzer_stats about once a minute (and at exit) but appends to plot_data every 5 s, so the
    /// fresher of the two gives the live numbers.
    /// </summary>
    public static AflInstanceStatistics? Read(string instanceFolder)
    {
        Dictionary<string, string>? afl = ReadKeyValues(Path.Combine(instanceFolder, "fuzzer_stats"));
        Dictionary<string, string>? plot = LastPlotLine(Path.Combine(instanceFolder, "plot_data"));
        if (afl is null && plot is null)
        {
            return null;
        }

        bool plotIsFresher = Long(plot, "total_execs") > Long(afl, "execs_done");
        return new AflInstanceStatistics(
            Path.GetFileName(instanceFolder),
            plotIsFresher ? Double(plot, "execs_per_sec") : AverageRate(afl),
            plotIsFresher ? Long(plot, "total_execs") : Long(afl, "execs_done"),
            (int)Math.Max(Long(afl, "edges_found"), Long(plot, "edges_found")),
            CountInputs(Path.Combine(instanceFolder, "queue")),
            CountInputs(Path.Combine(instanceFolder, "crashes")),
            CountInputs(Path.Combine(instanceFolder, "hangs")));
    }

    /// <summary>
    /// execs_done / run_time: fuzzer_stats' own execs_per_sec is a recent rate that is meaningless
    /// in the copy afl-fuzz writes right after calibration (hundreds of thousands per second).
    /// </summary>
    private static double AverageRate(Dictionary<string, string>? afl) =>
        Long(afl, "run_time") is > 0 and var seconds ? (double)Long(afl, "execs_done") / seconds : 0;

    /// <summary>plot_data's last row by its header's column names ("# relative_time, cycles_done, ...").</summary>
    private static Dictionary<string, string>? LastPlotLine(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            string[] lines = File.ReadAllLines(path);
            string[] header = lines.FirstOrDefault(l => l.StartsWith('#'))?.TrimStart('#').Split(',', StringSplitOptions.TrimEntries) ?? [];
            string[] last = lines.LastOrDefault(l => !l.StartsWith('#') && l.Length > 0)?.Split(',', StringSplitOptions.TrimEntries) ?? [];
            return last.Length == 0 ? null : header.Zip(last).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static Dictionary<string, string>? ReadKeyValues(string path)
    {
        try
        {
            return File.Exists(path)
                ? File.ReadAllLines(path)
                    .Select(line => line.Split(':', 2))
                    .Where(parts => parts.Length == 2)
                    .GroupBy(parts => parts[0].Trim(), StringComparer.Ordinal)
                    .ToDictionary(group => group.Key, group => group.Last()[1].Trim(), StringComparer.Ordinal)
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int CountInputs(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "id:*").Count() : 0;

    private static long Long(Dictionary<string, string>? values, string key) =>
        long.TryParse(values?.GetValueOrDefault(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : 0;

    private static double Double(Dictionary<string, string>? values, string key) =>
        double.TryParse(values?.GetValueOrDefault(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : 0;
}

/// <summary>A campaign snapshot.</summary>
/// <param name="Elapsed">Time since the launch.</param>
/// <param name="Instances">Per-instance numbers (instances that wrote nothing yet are missing).</param>
public sealed record AflProgress(TimeSpan Elapsed, IReadOnlyList<AflInstanceStatistics> Instances)
{
    public double ExecutionsPerSecond => Instances.Sum(i => i.ExecutionsPerSecond);

    public int Edges => Instances.Count == 0 ? 0 : Instances.Max(i => i.Edges);

    public int Crashes => Instances.Sum(i => i.Crashes);

    public int Hangs => Instances.Sum(i => i.Hangs);

    /// <summary>The largest instance queue (instances share inputs through the sync folder).</summary>
    public int CorpusSize => Instances.Count == 0 ? 0 : Instances.Max(i => i.CorpusSize);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"[{Elapsed.TotalSeconds,6:F1}s] afl x{Instances.Count} | {ExecutionsPerSecond,9:F0}/s | edges {Edges,6} | corpus {CorpusSize,5} | crashes {Crashes} | hangs {Hangs}");
}

/// <summary>A crash or hang input afl-fuzz saved.</summary>
/// <param name="Instance">Which instance found it.</param>
/// <param name="Path">The input file.</param>
/// <param name="Elapsed">When, from the "time:" field of AFL's file name (since that instance started).</param>
public sealed record AflFinding(string Instance, string Path, TimeSpan? Elapsed);

/// <summary>The result of a campaign.</summary>
public sealed record AflSummary(
    TimeSpan Elapsed, IReadOnlyList<AflInstanceStatistics> Instances, IReadOnlyList<AflFinding> Crashes, IReadOnlyList<AflFinding> Hangs, IReadOnlyList<int> ExitCodes)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"afl campaign: {Elapsed.TotalSeconds:F1}s, {Instances.Sum(i => i.Executions)} execs ({Instances.Sum(i => i.ExecutionsPerSecond):F0}/s at the end), edges {(Instances.Count == 0 ? 0 : Instances.Max(i => i.Edges))}, crashes {Crashes.Count}, hangs {Hangs.Count}");
}
