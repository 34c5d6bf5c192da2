using System.Globalization;

namespace PmuConformance.Fuzz.Engine.Storage;

/// <summary>
/// The output folder of an in-process run and the naming of its files:
/// <c>queue/NNNNNN-hash</c> (corpus), <c>findings/exception-sig-hash</c> and <c>findings/hang-sig-hash</c>
/// (each with a .txt report), <c>crashes/crash-hash</c> (process died), <c>.cur_input</c> (the
/// input being executed, memory-mapped) and <c>fuzzer_stats.json</c>.
/// </summary>
public sealed class OutputLayout
{
    /// <summary>Extension of the human-readable report next to each finding.</summary>
    public const string ReportExtension = ".txt";

    public OutputLayout(string root)
    {
        Root = Path.GetFullPath(root);
        Queue = Path.Combine(Root, "queue");
        Findings = Path.Combine(Root, "findings");
        Crashes = Path.Combine(Root, "crashes");
        CurrentInput = Path.Combine(Root, ".cur_input");
        Statistics = Path.Combine(Root, "fuzzer_stats.json");
        Lock = Path.Combine(Root, ".lock");
    }

    public string Root { get; }

    public string Queue { get; }

    public string Findings { get; }

    public string Crashes { get; }

    public string CurrentInput { get; }

    public string Statistics { get; }

    public string Lock { get; }

    public void Create()
    {
        Directory.CreateDirectory(Queue);
        Directory.CreateDirectory(Findings);
        Directory.CreateDirectory(Crashes);
    }

    /// <summary>Queue inputs in the order they were found.</summary>
    public IEnumerable<string> QueueFiles() => InputFiles(Queue);

    /// <summary>Every saved finding input (exceptions, hangs and crashes), reports excluded.</summary>
    public IEnumerable<string> FindingFiles() => InputFiles(Findings).Concat(InputFiles(Crashes));

    /// <summary>The id the next queue entry gets (resuming continues the numbering).</summary>
    public int NextQueueId() =>
        QueueFiles()
            .Select(path => int.TryParse(Path.GetFileName(path).Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id : 0)
            .DefaultIfEmpty(0)
            .Max() + 1;

    /// <summary>Content hashes of inputs that hung or killed the process: never run again on resume.</summary>
    public HashSet<string> ProcessKillerHashes() =>
        FindingFiles()
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name.StartsWith("hang-", StringComparison.Ordinal) || name.StartsWith("crash-", StringComparison.Ordinal))
            .Select(name => name[(name.LastIndexOf('-') + 1)..])
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Signature hashes of the exceptions and hangs saved by earlier runs.</summary>
    public HashSet<string> KnownSignatures() =>
        InputFiles(Findings)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Select(name => name.Split('-'))
            .Where(parts => parts.Length == 3)
            .Select(parts => parts[1])
            .ToHashSet(StringComparer.Ordinal);

    public string QueuePath(int id, string hash) => Path.Combine(Queue, string.Create(CultureInfo.InvariantCulture, $"{id:D6}-{hash}"));

    public string ExceptionPath(string signatureHash, string inputHash) => Path.Combine(Findings, $"exception-{signatureHash}-{inputHash}");

    public string HangPath(string signatureHash, string inputHash) => Path.Combine(Findings, $"hang-{signatureHash}-{inputHash}");

    public string CrashPath(string inputHash) => Path.Combine(Crashes, $"crash-{inputHash}");

    /// <summary>Writes an input and its report; the input is written last, so its presence means both are complete.</summary>
    public static void SaveFinding(string inputPath, ReadOnlySpan<byte> input, string report)
    {
        File.WriteAllText(inputPath + ReportExtension, report);
        WriteAtomically(inputPath, input);
    }

    /// <summary>Writes via a temporary file and a rename, so a crash never leaves a truncated input.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> data)
    {
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(data);
            stream.Flush(flushToDisk: false);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static IEnumerable<string> InputFiles(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder)
                .Where(path => !path.EndsWith(ReportExtension, StringComparison.Ordinal) && !path.EndsWith(".tmp", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
            : [];
}
