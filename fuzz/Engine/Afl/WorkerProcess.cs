using System.Diagnostics;
using System.Globalization;
using System.IO.Pipes;

namespace PmuConformance.Fuzz.Engine.Afl;

/// <summary>
/// The forkserver's handle on the worker: a copy of the harness executable that runs the inputs,
/// connected by two anonymous pipes (one command byte-quad in, one status out per execution).
/// When the worker dies the pipes report end of file; the forkserver then starts a new one.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly AnonymousPipeServerStream _commands;
    private readonly AnonymousPipeServerStream _statuses;
    private readonly int _commandFd;
    private readonly int _statusFd;

    private WorkerProcess(Process process, AnonymousPipeServerStream commands, AnonymousPipeServerStream statuses)
    {
        _process = process;
        _commands = commands;
        _statuses = statuses;
        // Raw read/write on the descriptors: the streams' buffering and checks cost more than the
        // system call at tens of thousands of round trips a second.
        _commandFd = (int)commands.SafePipeHandle.DangerousGetHandle();
        _statusFd = (int)statuses.SafePipeHandle.DangerousGetHandle();
    }

    public int Pid => _process.Id;

    /// <summary>Starts a worker and waits until it reports that it is ready (warm-up done).</summary>
    public static WorkerProcess Start(IReadOnlyList<string> workerArguments)
    {
        var commands = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.Inheritable);
        var statuses = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.Inheritable);
        ProcessStartInfo start = SelfCommand.StartInfo(
            [.. workerArguments, "--control-pipe", commands.GetClientHandleAsString(), "--status-pipe", statuses.GetClientHandleAsString()]);
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start the worker");
        commands.DisposeLocalCopyOfClientHandle();
        statuses.DisposeLocalCopyOfClientHandle();
        var worker = new WorkerProcess(process, commands, statuses);
        if (!Native.ReadUInt32(worker._statusFd, out _))
        {
            worker.Dispose();
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"the worker exited before it was ready (exit code {WaitForExitCode(process)})"));
        }

        return worker;
    }

    /// <summary>Tells the worker to run the input now in AFL's shared memory; false if it is dead.</summary>
    public bool BeginExecution() => Native.WriteUInt32(_commandFd, 0);

    /// <summary>Waits for the wait status of the execution; null if the worker died during it.</summary>
    public uint? WaitForStatus() => Native.ReadUInt32(_statusFd, out uint status) ? status : null;

    /// <summary>The wait status to report for a dead worker: its signal if it had one, else SIGABRT.</summary>
    public uint DeathStatus()
    {
        int code = WaitForExitCode(_process);
        // .NET reports death by signal N as exit code 128 + N.
        return code is > 128 and < 160 ? (uint)(code - 128) : ForkServerOptions.CrashStatus;
    }

    public void Dispose()
    {
        _commands.Dispose();
        _statuses.Dispose();
        if (!_process.WaitForExit(2000))
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static int WaitForExitCode(Process process) => process.WaitForExit(5000) ? process.ExitCode : -1;
}
