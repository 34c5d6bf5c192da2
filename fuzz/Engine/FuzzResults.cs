using System.Globalization;

namespace PmuConformance.Fuzz.Engine;

/// <summary>What kind of failure a finding is.</summary>
public enum FuzzFindingKind
{
    /// <summary>The target threw an exception the finding predicate accepted.</summary>
    Exception,

    /// <summary>An execution ran past the timeout.</summary>
    Hang,

    /// <summary>The whole process died during an execution (StackOverflow, fail-fast, native crash).</summary>
    Crash,
}

/// <summary>Why a run ended.</summary>
public enum FuzzStopReason
{
    /// <summary>The execution budget was used up.</summary>
    ExecutionBudget,

    /// <summary>The time budget was used up.</summary>
    TimeBudget,

    /// <summary>The cancellation token was signalled.</summary>
    Cancelled,

    /// <summary><see cref="FuzzOptions.StopOnFirstFinding"/> and a finding was saved.</summary>
    FirstFinding,

    /// <summary>
    /// A hang: the target thread cannot be reclaimed in .NET, so the run ends and the process
    /// should exit (the harness's supervisor restarts it and the next run resumes).
    /// </summary>
    Hang,
}

/// <summary>A saved finding.</summary>
/// <param name="Kind">What failed.</param>
/// <param name="InputPath">The input file (a .txt report sits next to it).</param>
/// <param name="Signature">What identifies the failure (exception type and top frames), for de-duplication.</param>
/// <param name="Description">Exception text or what happened.</param>
/// <param name="Execution">Execution count of the run when it was found.</param>
/// <param name="Elapsed">Time into the run when it was found.</param>
public sealed record FuzzFinding(
    FuzzFindingKind Kind, string InputPath, string Signature, string Description, long Execution, TimeSpan Elapsed);

/// <summary>A progress snapshot, reported about once per <see cref="FuzzOptions.ProgressInterval"/>.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Executions">Executions in this run.</param>
/// <param name="ExecutionsPerSecond">Rate since the previous report.</param>
/// <param name="Edges">Distinct coverage map entries seen (AFL's edges_found).</param>
/// <param name="CorpusSize">Inputs in the corpus.</param>
/// <param name="Findings">Findings saved in this run.</param>
public sealed record FuzzProgress(
    TimeSpan Elapsed, long Executions, double ExecutionsPerSecond, int Edges, int CorpusSize, int Findings)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"[{Elapsed.TotalSeconds,6:F1}s] execs {Executions,10} | {ExecutionsPerSecond,9:F0}/s | edges {Edges,6} | corpus {CorpusSize,5} | findings {Findings}");
}

/// <summary>The result of a run.</summary>
/// <param name="StopReason">Why it ended.</param>
/// <param name="Executions">Executions in this run.</param>
/// <param name="Elapsed">Duration of this run.</param>
/// <param name="Edges">Distinct coverage map entries seen.</param>
/// <param name="CorpusSize">Inputs in the corpus at the end.</param>
/// <param name="Findings">Findings saved in this run, in order (earlier runs' are in the output folder).</param>
public sealed record FuzzSummary(
    FuzzStopReason StopReason, long Executions, TimeSpan Elapsed, int Edges, int CorpusSize, IReadOnlyList<FuzzFinding> Findings)
{
    /// <summary>Average executions per second over the run.</summary>
    public double ExecutionsPerSecond => Elapsed > TimeSpan.Zero ? Executions / Elapsed.TotalSeconds : 0;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"stopped ({StopReason}) after {Executions} execs in {Elapsed.TotalSeconds:F1}s ({ExecutionsPerSecond:F0}/s), edges {Edges}, corpus {CorpusSize}, findings {Findings.Count}");
}
