using System.Text;
using PmuConformance.Checking.Choices;

namespace PmuConformance.Fuzz.Pmu;

/// <summary>
/// Initial inputs for each target function, written once into a campaign's seed folder.
/// <list type="bullet">
/// <item>parser: the corpus files as they are;</item>
/// <item>explain: a machine byte followed by each filter line of the corpus, and a few kvmtool-style lines;</item>
/// <item>differential: the choices the generator makes for seeded random scenarios, recorded in
/// the decoder's byte encoding (<see cref="RecordingChoices"/>). The corpus itself cannot be
/// encoded: the generator decides by running the model, so an exact inverse would have to search
/// for choices, and hand-written scenarios are often not ones it can produce at all.</item>
/// </list>
/// </summary>
public static class SeedWriter
{
    public const int DefaultGeneratedSeeds = 300;

    private static readonly string[] ExplainLines =
    [
        "allow 0x11 1", "deny CPU_CYCLES 1", "A:0x0-0x3f", "D:0x11-0x11, A:0-0xffff", "filter allow 0 0x10000",
        "action=2 0 1", "allow 0x4000 32; deny 0x4011 1", "deny 0 0", "allow 0xffff 1\0deny 0x3ff 2",
    ];

    /// <summary>
    /// Writes every seed into a temporary folder beside <paramref name="folder"/> and renames it into
    /// place only when all are written: a full disk leaves no folder (the next run writes the seeds
    /// again) instead of a partial one that later runs would take as complete.
    /// </summary>
    /// <param name="writeFile">How one seed file is written (default File.WriteAllBytes; tests inject failures).</param>
    /// <exception cref="IOException">A seed could not be written; nothing is left behind.</exception>
    public static int Write(string function, string against, string folder, string? corpora, int generated = DefaultGeneratedSeeds,
        Action<string, byte[]>? writeFile = null)
    {
        var partial = $"{Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)}.partial-{Environment.ProcessId}";
        try
        {
            Directory.CreateDirectory(partial);
            var count = WriteAll(function, against, partial, corpora, generated, writeFile ?? File.WriteAllBytes);
            Directory.Move(partial, folder);
            return count;
        }
        catch
        {
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }
            throw;
        }
    }

    private static int WriteAll(string function, string against, string folder, string? corpora, int generated, Action<string, byte[]> writeFile)
    {
        var seeds = function switch
        {
            PmuTargets.Differential => Differential(against, generated),
            PmuTargets.Parser => CorpusFiles(corpora).Select(f => (f.Name, File.ReadAllBytes(f.Path))),
            PmuTargets.Explain => Explain(corpora),
            _ => throw new ArgumentException($"unknown target function '{function}'", nameof(function)),
        };
        var count = 0;
        foreach (var (name, bytes) in seeds)
        {
            writeFile(Path.Combine(folder, name), bytes);
            count++;
        }
        return count;
    }

    private static IEnumerable<(string, byte[])> Differential(string against, int count)
    {
        var target = PmuTargets.Against(against, out var error) ?? throw new ArgumentException(error);
        var decoder = ScenarioDecoder.For(target);
        for (var i = 0; i < count; i++)
        {
            var (_, bytes) = decoder.Record(new RandomChoices(0x5EED0000UL + (ulong)i));
            yield return ($"generated-{i:D4}", bytes);
        }
    }

    private static IEnumerable<(string Name, byte[])> Explain(string? corpora)
    {
        var machine = 0;
        foreach (var line in ExplainLines)
        {
            yield return ($"explain-{machine:D3}", [(byte)machine, .. Encoding.UTF8.GetBytes(line)]);
            machine++;
        }
        var filterLines = CorpusFiles(corpora)
            .SelectMany(f => File.ReadLines(f.Path))
            .Select(l => l.Split('#')[0].Split("->")[0].Trim())
            .Where(l => l.StartsWith("filter ", StringComparison.Ordinal))
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("vcpu", StringComparison.Ordinal))))
            .Distinct(StringComparer.Ordinal)
            .Take(100);
        foreach (var line in filterLines)
        {
            yield return ($"explain-{machine:D3}", [(byte)(machine % ExplainTarget.Machines.Count), .. Encoding.UTF8.GetBytes(line)]);
            machine++;
        }
    }

    private static IEnumerable<(string Name, string Path)> CorpusFiles(string? corpora) =>
        corpora is not null && Directory.Exists(corpora)
            ? Directory.EnumerateFiles(corpora, "*.pmu", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .Select(path => ("corpus-" + Path.GetRelativePath(corpora, path).Replace('/', '-'), path))
            : [];
}
