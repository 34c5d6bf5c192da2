using System.Runtime.InteropServices;
using PmuConformance.KernelOracle;

namespace PmuConformance.Cli;

/// <summary>
/// SIGINT and SIGTERM during a long command: instead of dying mid-run (and leaving QEMU behind,
/// with no seed on screen), the command is asked to stop through <see cref="Token"/>, the child
/// processes it started (QEMU) are stopped at once, and the command prints how to repeat the run.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;

    public Interruption()
    {
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    public CancellationToken Token => source.Token;

    /// <summary>The signal that stopped the run ("SIGINT", "SIGTERM"), or null.</summary>
    public string? Signal { get; private set; }

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true; // the command ends by itself, after printing the seed
        Signal ??= context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM";
        source.Cancel();
        ChildProcesses.StopAll();
    }

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        source.Dispose();
    }
}
