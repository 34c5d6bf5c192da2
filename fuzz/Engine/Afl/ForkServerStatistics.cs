using System.Diagnostics;
using System.Globalization;
using PmuConformance.Fuzz.Engine.Storage;

namespace PmuConformance.Fuzz.Engine.Afl;

/// <summary>
/// Live counters the forkserver writes about once a second in AFL's "key : value" format.
/// afl-fuzz 4.04c rewrites fuzzer_stats and plot_data only once a minute (plot_data not at all in
/// the first minute), too rarely to watch a short campaign; the launcher reads these instead.
/// </summary>
internal sealed class ForkServerStatistics(string? path)
{
    public const string ExecutionsKey = "execs_done";
    public const string RateKey = "execs_per_sec";
    public const string RestartsKey = "worker_restarts";

    private readonly long _interval = Stopwatch.Frequency;
    private long _executions;
    private long _restarts;
    private long _lastWrite = Stopwatch.GetTimestamp();
    private long _lastExecutions;

    public void Executed()
    {
        _executions++;
        if (path is not null && Stopwatch.GetTimestamp() - _lastWrite >= _interval)
        {
            Write();
        }
    }

    public void WorkerDied() => _restarts++;

    public void Write()
    {
        if (path is null)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        double seconds = Stopwatch.GetElapsedTime(_lastWrite, now).TotalSeconds;
        double rate = seconds > 0 ? (_executions - _lastExecutions) / seconds : 0;
        _lastWrite = now;
        _lastExecutions = _executions;
        string text = string.Create(
            CultureInfo.InvariantCulture,
            $"{ExecutionsKey} : {_executions}\n{RateKey} : {rate:F2}\n{RestartsKey} : {_restarts}\n");
        try
        {
            OutputLayout.WriteAtomically(path, System.Text.Encoding.ASCII.GetBytes(text));
        }
        catch (IOException)
        {
            // Statistics are a convenience: never let them disturb the protocol.
        }
    }
}
