using System.Runtime.ExceptionServices;
using PmuConformance.Fuzz.Engine.InProcess;
using PmuConformance.Fuzz.Engine.Storage;

namespace PmuConformance.Fuzz.Engine;

/// <summary>
/// Coverage-guided fuzzing inside the calling process: fastest, deterministic for a given seed,
/// and suited to tests with an execution budget. It survives exceptions; a hang ends the run
/// (<see cref="FuzzStopReason.Hang"/>, input saved) and a process-killing failure leaves its input
/// in the output folder's <c>.cur_input</c>, recorded as a crash by the next run. For campaigns
/// that must go on after those, run the harness's <c>fuzz</c> command, which supervises a child.
/// </summary>
public static class InProcessFuzzer
{
    // Coverage is process-global (one map, one Prev): runs are serialised.
    private static readonly object Gate = new();
    private static bool s_poisoned;

    /// <summary>Runs <paramref name="target"/> until a budget, cancellation, or a hang ends the run.</summary>
    /// <param name="target">The code under test.</param>
    /// <param name="options">Folders, budgets, seed and limits.</param>
    /// <param name="progress">Receives a snapshot about once a second, on the fuzzing thread.</param>
    /// <param name="cancellationToken">Stops the run cleanly; every kept input and finding is already on disk.</param>
    public static FuzzSummary Run(
        FuzzTarget target, FuzzOptions options, IProgress<FuzzProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        lock (Gate)
        {
            if (s_poisoned)
            {
                throw new InvalidOperationException("An earlier run in this process hung and its target thread is still running; start a new process.");
            }

            Directory.CreateDirectory(options.OutputDirectory);
            using var outputLock = LockOutput(options.OutputDirectory);
            return RunLocked(target, options, progress, cancellationToken);
        }
    }

    /// <summary>
    /// One output folder, one fuzzing process: a second one is a set-up error (InvalidOperationException,
    /// which the harness reports as an error), never an unhandled exception that a supervisor would
    /// take for a crash of the target.
    /// </summary>
    private static FileStream LockOutput(string outputDirectory)
    {
        var path = new OutputLayout(outputDirectory).Lock;
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"{Path.GetFullPath(outputDirectory)} is in use by another fuzzing process ({e.Message.TrimEnd('.')}): one output folder, one run", e);
        }
    }

    /// <summary>Runs a named target, using its finding predicate unless the options set one.</summary>
    public static FuzzSummary Run(
        FuzzTargetDefinition target, FuzzOptions options, IProgress<FuzzProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        return Run(target.Target, options with { IsFinding = options.IsFinding ?? target.IsFinding }, progress, cancellationToken);
    }

    private static FuzzSummary RunLocked(FuzzTarget target, FuzzOptions options, IProgress<FuzzProgress>? progress, CancellationToken cancellationToken)
    {
        var session = new FuzzSession(target, options, progress, cancellationToken);
        using var hung = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        session.Hung += hung.Set;
        FuzzSummary? summary = null;
        ExceptionDispatchInfo? failure = null;

        // A dedicated thread with a known stack size runs the target, so the caller can return
        // when it hangs (a .NET thread cannot be aborted).
        var thread = new Thread(
            () =>
            {
                try
                {
                    summary = session.Run();
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    done.Set();
                }
            },
            options.TargetStackSize)
        { IsBackground = true, Name = "fuzz target" };
        thread.Start();
        WaitHandle.WaitAny([done.WaitHandle, hung.WaitHandle]);

        if (!done.IsSet)
        {
            s_poisoned = true;
            return session.AbandonAfterHang();
        }

        session.Release();
        failure?.Throw();
        return summary!;
    }
}
