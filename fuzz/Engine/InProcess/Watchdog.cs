using System.Diagnostics;

namespace PmuConformance.Fuzz.Engine.InProcess;

/// <summary>
/// Detects an execution that runs past the timeout. The fuzz loop bumps a counter before and after
/// every execution (odd while the target runs), which costs two stores; a background thread
/// samples it a few times per timeout and calls <c>onHang</c> once if it stays odd and unchanged.
/// </summary>
internal sealed class Watchdog : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly Action _onHang;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private long _phase;

    public Watchdog(TimeSpan timeout, Action onHang)
    {
        _timeout = timeout;
        _onHang = onHang;
        _thread = new Thread(Watch) { IsBackground = true, Name = "fuzz watchdog" };
        _thread.Start();
    }

    public void EnterTarget() => Volatile.Write(ref _phase, _phase + 1);

    public void LeaveTarget() => Volatile.Write(ref _phase, _phase + 1);

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }

    private void Watch()
    {
        TimeSpan poll = TimeSpan.FromMilliseconds(Math.Clamp(_timeout.TotalMilliseconds / 4, 5, 250));
        long seen = -1;
        long since = Stopwatch.GetTimestamp();
        while (!_stop.Wait(poll))
        {
            long phase = Volatile.Read(ref _phase);
            if (phase != seen || (phase & 1) == 0)
            {
                seen = phase;
                since = Stopwatch.GetTimestamp();
                continue;
            }

            if (Stopwatch.GetElapsedTime(since) > _timeout)
            {
                _onHang();
                return;
            }
        }
    }
}
