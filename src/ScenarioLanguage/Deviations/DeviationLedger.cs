using System.Reflection;

namespace PmuConformance.Scenarios;

/// <summary>
/// The ledger of known kernel deviations (Deviations/ledger.txt, embedded): the one list the model,
/// the kernel oracle, <c>explain</c> and the docs read.
/// </summary>
public static class DeviationLedger
{
    private static readonly Lazy<IReadOnlyList<KnownDeviation>> Entries = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ledger.txt")
            ?? throw new InvalidOperationException("the deviation ledger is not embedded");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    });

    public static IReadOnlyList<KnownDeviation> All => Entries.Value;

    public static KnownDeviation? Find(string id) => All.FirstOrDefault(d => d.Id == id);

    /// <summary>The deviations the ledger lists for a kernel-oracle kernel (debian-7.2 ...).</summary>
    public static DeviationSet ForKernel(string kernelName) =>
        new(All.Where(d => d.Kernels.Contains(kernelName)).Select(d => d.Id));

    /// <summary>The deviations expected of an unknown build of a profile.</summary>
    public static DeviationSet ForProfile(KernelProfile profile) =>
        new(All.Where(d => d.Profiles.Contains(profile)).Select(d => d.Id));

    /// <summary>Reads the ledger format: blocks of <c>key: value</c> lines separated by blank lines.</summary>
    public static IReadOnlyList<KnownDeviation> Parse(string text)
    {
        var result = new List<KnownDeviation>();
        var block = new Dictionary<string, string>();
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n').Append(""))
        {
            var line = raw.Trim();
            if (line.StartsWith('#'))
            {
                continue;
            }
            if (line.Length == 0)
            {
                if (block.Count > 0)
                {
                    result.Add(Entry(block));
                    block.Clear();
                }
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"deviation ledger: expected 'key: value', got '{line}'");
            }
            block[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return result;
    }

    private static KnownDeviation Entry(Dictionary<string, string> block)
    {
        string Field(string key) => block.TryGetValue(key, out var value)
            ? value
            : throw new FormatException($"deviation ledger: entry {block.GetValueOrDefault("id", "?")} lacks '{key}'");
        IReadOnlyList<string> Words(string key) => Field(key).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        KernelProfile Profile(string name) => KernelProfiles.TryParse(name, out var profile)
            ? profile
            : throw new FormatException($"deviation ledger: unknown profile '{name}'");
        // Fields are read in the order the ledger's header lists them, so the first missing one is named.
        var id = Field("id");
        var rules = Words("rules");
        var summary = Field("summary");
        var kernels = Words("kernels");
        var profiles = Words("profiles").Select(Profile).ToList();
        return new KnownDeviation(id, rules, summary, kernels, profiles,
            Field("code"), Field("first-seen"), Field("upstream"), Field("repro"), block.GetValueOrDefault("splat"));
    }
}
