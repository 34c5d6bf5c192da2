namespace PmuConformance.Fuzz.Engine;

/// <summary>Settings of an afl-fuzz campaign started by <see cref="AflCampaign"/>.</summary>
public sealed record AflOptions
{
    /// <summary>afl-fuzz's -o folder: one sub-folder per instance (main, s1, s2, ...), each with queue/, crashes/, hangs/.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>afl-fuzz's -i folder; null or empty: a one-byte seed is made in the output folder.</summary>
    public string? SeedDirectory { get; init; }

    /// <summary>An AFL dictionary passed with -x; null: none.</summary>
    public string? DictionaryFile { get; init; }

    /// <summary>Number of afl-fuzz instances: one main (-M) and the rest secondaries (-S).</summary>
    public int Instances { get; init; } = 2;

    /// <summary>
    /// Index of the first instance this launcher starts (0: main). Other machines start the other
    /// indices against their own copy of the sync folder (scripts/nightly.sh, docs/nightly.md).
    /// </summary>
    public int FirstInstance { get; init; }

    /// <summary>afl-fuzz's -V: each instance stops after this long.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>afl-fuzz's -t in milliseconds. Never let AFL choose: its 20 ms default turns GC pauses into hangs.</summary>
    public int TimeoutMilliseconds { get; init; } = 1000;

    /// <summary>Largest input the target process reads (AFL's own cap is 1 MiB).</summary>
    public int MaxInputLength { get; init; } = 1 << 20;

    /// <summary>The afl-fuzz executable.</summary>
    public string AflFuzzPath { get; init; } = "afl-fuzz";

    /// <summary>Extra environment variables for afl-fuzz (and so the harness processes).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How often progress is reported.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
}
