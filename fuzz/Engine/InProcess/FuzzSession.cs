using System.Diagnostics;
using PmuConformance.Fuzz.Coverage;
using PmuConformance.Fuzz.Engine.Mutation;
using PmuConformance.Fuzz.Engine.Storage;

namespace PmuConformance.Fuzz.Engine.InProcess;

/// <summary>
/// One in-process run: loads the saved queue and the seeds, then mutates corpus inputs, keeping
/// those that reach a new (edge, hit-count bucket) and saving findings. Runs on the thread
/// <see cref="InProcessFuzzer"/> gives it; the watchdog and the caller watch from outside.
/// </summary>
internal sealed unsafe class FuzzSession
{
    private readonly FuzzTarget _target;
    private readonly FuzzOptions _options;
    private readonly IProgress<FuzzProgress>? _progress;
    private readonly CancellationToken _cancellation;
    private readonly OutputLayout _layout;
    private readonly Func<Exception, bool> _isFinding;
    private readonly FuzzRandom _random;
    private readonly Corpus _corpus = new();
    private readonly FindingRecorder _findings;
    private readonly CoverageTracker _coverage;
    private readonly CurrentInputRecord _record;
    private readonly Mutator _mutator;
    private readonly long _previousTotal;
    private readonly int _run;
    private readonly long _start = Stopwatch.GetTimestamp();
    private Watchdog? _watchdog;
    private long _executions;
    private int _nextQueueId;
    private long _nextReport;
    private long _lastReportExecutions;
    private long _lastReportTimestamp;
    private volatile bool _abandoned;
    private FuzzStopReason? _stopReason;

    public FuzzSession(FuzzTarget target, FuzzOptions options, IProgress<FuzzProgress>? progress, CancellationToken cancellation)
    {
        _target = target;
        _options = options;
        _progress = progress;
        _cancellation = cancellation;
        _isFinding = options.IsFinding ?? (_ => true);
        _layout = new OutputLayout(options.OutputDirectory);
        _layout.Create();
        RunStatistics? previous = RunStatistics.Read(_layout.Statistics);
        _previousTotal = previous?.TotalExecutions ?? 0;
        _run = (previous?.Runs ?? 0) + 1;
        // A fresh folder runs exactly as the seed says. A resumed run must not replay an earlier
        // run's choices (and walk into the same crash again), so the run number is mixed in; it
        // is saved at once, since a run that dies early never writes statistics again.
        _random = new FuzzRandom(options.Seed ^ ((ulong)(_run - 1) * 0x9E3779B97F4A7C15));
        _findings = new FindingRecorder(_layout);
        RecoverInterruptedExecution();
        _record = CurrentInputRecord.Create(_layout.CurrentInput, options.MaxInputLength);
        _coverage = new CoverageTracker(CoverageMap.DefaultSize);
        _mutator = new Mutator(_random, LoadDictionary(options), options.MaxInputLength);
        _nextQueueId = _layout.NextQueueId();
        WriteStatistics(0);
    }

    /// <summary>Set by the watchdog when an execution hangs (the input is saved by then).</summary>
    public event Action? Hung;

    public FuzzSummary Run()
    {
        using (_watchdog = new Watchdog(_options.ExecutionTimeout, OnHang))
        {
            _lastReportTimestamp = _start;
            _nextReport = _start + ToTicks(_options.ProgressInterval);
            if (_findings.Count > 0 && _options.StopOnFirstFinding)
            {
                _stopReason = FuzzStopReason.FirstFinding;
            }
            else
            {
                LoadInitialCorpus();
                Fuzz();
            }
        }

        return Finish(_stopReason ?? FuzzStopReason.Cancelled);
    }

    /// <summary>Summary after a hang: the target thread is stuck, so nothing is released.</summary>
    public FuzzSummary AbandonAfterHang() => Finish(FuzzStopReason.Hang);

    /// <summary>Frees native memory and mappings; only after the loop has ended normally.</summary>
    public void Release()
    {
        CoverageMap.Detach();
        _coverage.Dispose();
        _record.Dispose();
    }

    private void Fuzz()
    {
        while (!ShouldStop())
        {
            byte[] parent = _corpus.Pick(_random);
            ReadOnlySpan<byte> input = _mutator.Mutate(parent, () => _corpus.Pick(_random));
            if (Execute(input) != CoverageNews.None)
            {
                Keep(input, saveToQueue: true);
            }

            ReportIfDue();
        }
    }

    private void LoadInitialCorpus()
    {
        HashSet<string> killers = _layout.ProcessKillerHashes();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var inputs = new List<(byte[] Data, bool FromQueue)>();
        IEnumerable<(string Path, bool FromQueue)> files = _layout.QueueFiles().Select(path => (path, true))
            .Concat(_options.SeedDirectories.Where(Directory.Exists)
                .SelectMany(folder => Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                .Select(path => (path, false)));
        foreach ((string path, bool fromQueue) in files)
        {
            byte[] data = File.ReadAllBytes(path);
            data = data.Length > _options.MaxInputLength ? data[.._options.MaxInputLength] : data;
            string hash = InputHash.Of(data);
            if (!killers.Contains(hash) && seen.Add(hash))
            {
                inputs.Add((data, fromQueue));
            }
        }

        if (inputs.Count == 0)
        {
            inputs.Add(([], false));
        }

        WarmUp(inputs[0].Data);
        foreach ((byte[] data, bool fromQueue) in inputs)
        {
            if (ShouldStop())
            {
                return;
            }

            CoverageNews news = Execute(data, out bool finding);
            if (!finding && (fromQueue || news != CoverageNews.None))
            {
                Keep(data, saveToQueue: !fromQueue);
            }
        }

        if (_corpus.Count == 0)
        {
            Keep([], saveToQueue: false);
        }
    }

    // The first run of a fresh process executes static constructors and first-call paths. It runs
    // against the sink so those blocks do not look like unstable edges, and it loads the target's
    // assemblies, so their instrumentation can be checked before the real map is attached.
    private void WarmUp(byte[] first)
    {
        CoverageMap.Detach();
        RunTarget(first);
        _executions++;
        CheckInstrumentation();
        CoverageMap.ClearSink();
        CoverageMap.Attach(_coverage.Map, _coverage.Size);
        _coverage.Clear();
    }

    private void CheckInstrumentation()
    {
        InstrumentationInfo info = InstrumentationInfo.OfLoadedAssemblies();
        if (!info.Any && _options.RequireInstrumentation)
        {
            throw new InvalidOperationException(
                "No loaded assembly carries coverage probes, so fuzzing would be blind. Import fuzz/Instrument.targets "
                + "in the project that runs the fuzzer and list the target assembly in a FuzzInstrumentAssembly item "
                + "(or set FuzzOptions.RequireInstrumentation = false).");
        }

        if (info.RequiredMapSize > CoverageMap.DefaultSize)
        {
            throw new InvalidOperationException(
                $"The target was instrumented for a {info.RequiredMapSize}-byte map, larger than the engine's {CoverageMap.DefaultSize}.");
        }
    }

    private CoverageNews Execute(ReadOnlySpan<byte> input) => Execute(input, out _);

    private CoverageNews Execute(ReadOnlySpan<byte> input, out bool finding)
    {
        Exception? thrown = RunTarget(input);
        _executions++;
        CoverageNews news = _coverage.Collect();
        finding = thrown is not null && _isFinding(thrown);
        if (finding && _findings.RecordException(input, thrown!, _executions, Elapsed) is not null && _options.StopOnFirstFinding)
        {
            _stopReason = FuzzStopReason.FirstFinding;
        }

        return finding ? CoverageNews.None : news;
    }

    private Exception? RunTarget(ReadOnlySpan<byte> input)
    {
        _record.Begin(input);
        CoverageMap.Prev = 0;
        _watchdog!.EnterTarget();
        Exception? thrown = null;
        try
        {
            _target(input);
        }
        catch (Exception e)
        {
            thrown = e;
        }

        _watchdog.LeaveTarget();
        _record.End();
        return thrown;
    }

    private void Keep(ReadOnlySpan<byte> input, bool saveToQueue)
    {
        byte[] copy = input.ToArray();
        _corpus.Add(copy);
        if (saveToQueue)
        {
            OutputLayout.WriteAtomically(_layout.QueuePath(_nextQueueId++, InputHash.Of(copy)), copy);
        }
    }

    private bool ShouldStop()
    {
        if (_stopReason is not null || _abandoned)
        {
            return true;
        }

        if (_cancellation.IsCancellationRequested)
        {
            _stopReason = FuzzStopReason.Cancelled;
        }
        else if (_executions >= _options.MaxExecutions)
        {
            _stopReason = FuzzStopReason.ExecutionBudget;
        }
        else if (_options.MaxDuration is { } budget && Elapsed >= budget)
        {
            _stopReason = FuzzStopReason.TimeBudget;
        }

        return _stopReason is not null;
    }

    private void ReportIfDue()
    {
        long now = Stopwatch.GetTimestamp();
        if (now < _nextReport)
        {
            return;
        }

        _nextReport = now + ToTicks(_options.ProgressInterval);
        double seconds = Stopwatch.GetElapsedTime(_lastReportTimestamp, now).TotalSeconds;
        double rate = seconds > 0 ? (_executions - _lastReportExecutions) / seconds : 0;
        _lastReportExecutions = _executions;
        _lastReportTimestamp = now;
        WriteStatistics(rate);
        _progress?.Report(new FuzzProgress(Elapsed, _executions, rate, _coverage.Edges, _corpus.Count, _findings.Count));
    }

    private FuzzSummary Finish(FuzzStopReason reason)
    {
        var summary = new FuzzSummary(reason, _executions, Elapsed, _coverage.Edges, _corpus.Count, _findings.Findings);
        WriteStatistics(summary.ExecutionsPerSecond);
        return summary;
    }

    private void WriteStatistics(double rate) =>
        new RunStatistics(_previousTotal + _executions, _executions, Elapsed.TotalSeconds, rate, _coverage.Edges, _corpus.Count, _findings.Count)
        {
            Runs = _run,
        }.Write(_layout.Statistics);

    private void OnHang()
    {
        _abandoned = true;
        byte[] input = _record.Snapshot();
        _record.MarkRecorded();
        _findings.RecordHang(input, _coverage.PathHash(), _options.ExecutionTimeout, _executions, Elapsed);
        Hung?.Invoke();
    }

    // A process that died mid-execution left its input in the record: that input is a crash.
    private void RecoverInterruptedExecution()
    {
        if (CurrentInputRecord.ReadInterrupted(_layout.CurrentInput) is { } input)
        {
            _findings.RecordCrash(input, "The process died while executing this input (found when the next run started).");
            CurrentInputRecord.MarkRecorded(_layout.CurrentInput);
        }
    }

    private static IReadOnlyList<byte[]> LoadDictionary(FuzzOptions options) =>
        AflDictionary.Merge(options.DictionaryFiles, options.DictionaryTokens);

    private TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
