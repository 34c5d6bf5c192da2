using System.Diagnostics;
using PmuConformance.Fuzz.Engine.InProcess;
using PmuConformance.Fuzz.Engine.Storage;

namespace PmuConformance.Fuzz.Engine.Harness;

/// <summary>
/// The <c>fuzz</c> command: runs the in-process engine in a child copy of the harness and starts
/// a new child (which resumes from the saved queue) when one dies of a StackOverflow or similar,
/// or exits after a hang. The input of a death is taken from the child's <c>.cur_input</c> record
/// and saved under <c>crashes/</c>. Budgets apply to the whole supervised run.
/// </summary>
internal sealed class SupervisedRunner(HarnessSettings settings)
{
    // A child that dies this many times in a row without dying inside an execution is broken.
    private const int MaxUnexplainedDeaths = 3;
    private Process? _child;

    public int Run()
    {
        string output = settings.OutputFolder("");
        var layout = new OutputLayout(output);
        layout.Create();
        var findingsBefore = layout.FindingFiles().ToHashSet(StringComparer.Ordinal);
        long baseExecutions = RunStatistics.Read(layout.Statistics)?.TotalExecutions ?? 0;
        var clock = Stopwatch.StartNew();
        using var signals = new StopSignals(ForwardInterrupt);
        int unexplainedDeaths = 0;

        while (!signals.Token.IsCancellationRequested)
        {
            double? seconds = settings.MaxSeconds - clock.Elapsed.TotalSeconds;
            long done = (RunStatistics.Read(layout.Statistics)?.TotalExecutions ?? baseExecutions) - baseExecutions;
            long? executions = settings.MaxExecutions - done;
            if (seconds <= 0 || executions <= 0)
            {
                break;
            }

            int code = RunChild(settings.ChildArguments(output, seconds, executions));
            if (code == HarnessExitCodes.Ok || signals.Token.IsCancellationRequested)
            {
                break;
            }

            if (code is HarnessExitCodes.Usage or HarnessExitCodes.Error)
            {
                return code;
            }

            if (code == HarnessExitCodes.Hang)
            {
                Console.WriteLine("supervisor: the child hung (input saved under findings/); restarting it");
            }
            else if (RecordDeath(layout, code) is { } crash)
            {
                Console.WriteLine($"supervisor: the child died (exit code {code}); input saved as {crash.InputPath}; restarting it");
            }
            else if (++unexplainedDeaths >= MaxUnexplainedDeaths)
            {
                Console.Error.WriteLine($"supervisor: the child died {unexplainedDeaths} times outside any execution (exit code {code}); giving up");
                return HarnessExitCodes.Error;
            }
            else
            {
                continue;
            }

            unexplainedDeaths = 0;
            if (settings.StopOnFinding)
            {
                break;
            }
        }

        var newFindings = layout.FindingFiles().Where(f => !findingsBefore.Contains(f)).ToList();
        Console.WriteLine($"supervisor: done after {clock.Elapsed.TotalSeconds:F1}s; {newFindings.Count} new finding(s) in {layout.Root}");
        newFindings.ForEach(f => Console.WriteLine($"  {f}"));
        return newFindings.Count > 0 ? HarnessExitCodes.Findings : HarnessExitCodes.Ok;
    }

    private int RunChild(List<string> arguments)
    {
        using Process child = Process.Start(SelfCommand.StartInfo(arguments)) ?? throw new InvalidOperationException("cannot start the fuzzing child");
        _child = child;
        child.WaitForExit();
        _child = null;
        return child.ExitCode;
    }

    private static FuzzFinding? RecordDeath(OutputLayout layout, int exitCode)
    {
        if (CurrentInputRecord.ReadInterrupted(layout.CurrentInput) is not { } input)
        {
            return null;
        }

        FuzzFinding crash = new FindingRecorder(layout).RecordCrash(
            input, $"The fuzzing process died (exit code {exitCode}) while executing this input, e.g. a StackOverflow.");
        CurrentInputRecord.MarkRecorded(layout.CurrentInput);
        return crash;
    }

    // Ctrl-C in a terminal reaches the child too; a SIGINT sent to the supervisor alone is passed on.
    private void ForwardInterrupt()
    {
        try
        {
            if (_child is { HasExited: false } child)
            {
                InterruptSignal.Interrupt(child.Id);
            }
        }
        catch (InvalidOperationException)
        {
            // The child exited and was disposed meanwhile: nothing to forward to.
        }
    }
}
