using System.Runtime.InteropServices;

namespace PmuConformance.Fuzz.Engine.Harness;

/// <summary>Turns SIGINT (Ctrl-C) and SIGTERM into a cancellation instead of killing the process.</summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public StopSignals(Action? onStop = null)
    {
        void Handle(PosixSignalContext context)
        {
            context.Cancel = true;
            _source.Cancel();
            onStop?.Invoke();
        }

        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _source.Dispose();
    }
}
