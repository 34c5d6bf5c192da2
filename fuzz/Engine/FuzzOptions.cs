namespace PmuConformance.Fuzz.Engine;

/// <summary>Settings of an in-process fuzzing run.</summary>
public sealed record FuzzOptions
{
    /// <summary>
    /// Where the run keeps its state: <c>queue/</c> (inputs that found new coverage; a later run
    /// with the same folder resumes from them), <c>findings/</c> (exceptions and hangs, each input
    /// with a .txt report), <c>crashes/</c> (inputs that killed the whole process).
    /// </summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Folders whose files seed the corpus (read once, never modified).</summary>
    public IReadOnlyList<string> SeedDirectories { get; init; } = [];

    /// <summary>AFL-format dictionary files.</summary>
    public IReadOnlyList<string> DictionaryFiles { get; init; } = [];

    /// <summary>Extra dictionary tokens.</summary>
    public IReadOnlyList<byte[]> DictionaryTokens { get; init; } = [];

    /// <summary>Seed of every random choice: the same seed, target and corpus give the same run.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Stop after this many executions of the target (this run; warm-up included).</summary>
    public long? MaxExecutions { get; init; }

    /// <summary>Stop after this much time.</summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>Stop as soon as a new finding is saved.</summary>
    public bool StopOnFirstFinding { get; init; }

    /// <summary>Largest input the mutator produces (longer seeds are truncated).</summary>
    public int MaxInputLength { get; init; } = 4096;

    /// <summary>An execution running longer than this is a hang (a finding that ends the run).</summary>
    public TimeSpan ExecutionTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Which exceptions are findings; null means every exception.</summary>
    public Func<Exception, bool>? IsFinding { get; init; }

    /// <summary>Stack size of the thread running the target (the main thread's usual 8 MiB).</summary>
    public int TargetStackSize { get; init; } = 8 << 20;

    /// <summary>How often progress is reported.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Fail if the target's code carries no probes (fuzzing it would be blind).</summary>
    public bool RequireInstrumentation { get; init; } = true;
}
