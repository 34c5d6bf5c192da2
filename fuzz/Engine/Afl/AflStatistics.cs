using System.Globalization;

namespace PmuConformance.Fuzz.Engine;

/// <summary>One afl-fuzz instance's numbers.</summary>
/// <param name="Name">Instance name (main, s1, ...).</param>
/// <param name="ExecutionsPerSecond">Recent rate, from the harness's forkserver (AFL's execs_per_sec once the run is over).</param>
/// <param name="Executions">Executions so far.</param>
/// <param name="Edges">AFL's edges_found. afl-fuzz 4.04c updates it once a minute and at exit, so it lags.</param>
/// <param name="CorpusSize">Files in the instance's queue/ folder.</param>
/// <param name="Crashes">Files in the instance's crashes/ folder.</param>
/// <param name="Hangs">Files in the instance's hangs/ folder.</param>
/// <param name="WorkerRestarts">Workers the forkserver replaced after they died (crash, StackOverflow, timeout kill).</param>
public sealed record AflInstanceStatistics(
    string Name, double ExecutionsPerSecond, long Executions, int Edges, int CorpusSize, int Crashes, int Hangs, long WorkerRestarts)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: {ExecutionsPerSecond:F0}/s, execs {Executions}, edges {Edges}, corpus {CorpusSize}, crashes {Crashes}, hangs {Hangs}, worker restarts {WorkerRestarts}");

    /// <summary>Reads an instance folder and the harness's live counters; null while neither exists.</summary>
    public static AflInstanceStatistics? Read(string instanceFolder, string harnessStatistics)
    {
        Dictionary<string, string>? afl = ReadKeyValues(Path.Combine(instanceFolder, "fuzzer_stats"));
        Dictionary<string, string>? harness = ReadKeyValues(harnessStatistics);
        if (afl is null && harness is null)
        {
            return null;
        }

        long aflExecutions = Long(afl, "execs_done");
        long harnessExecutions = Long(harness, "execs_done");
        // After afl-fuzz exits its own final numbers are complete; while it runs, the harness's are fresh.
        bool aflIsCurrent = aflExecutions >= harnessExecutions;
        return new AflInstanceStatistics(
            Path.GetFileName(instanceFolder),
            aflIsCurrent ? Double(afl, "execs_per_sec") : Double(harness, "execs_per_sec"),
            Math.Max(aflExecutions, harnessExecutions),
            (int)Long(afl, "edges_found"),
            CountInputs(Path.Combine(instanceFolder, "queue")),
            CountInputs(Path.Combine(instanceFolder, "crashes")),
            CountInputs(Path.Combine(instanceFolder, "hangs")),
            Long(harness, "worker_restarts"));
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
