namespace PmuConformance.Checking.Engine;

/// <summary>How long the engine runs a check and where it reports.</summary>
public sealed record EngineSettings
{
    /// <summary>Stop after this many generated cases (null: no case limit).</summary>
    public long? Cases { get; init; }

    /// <summary>Stop after this much time (null: no time limit). One of the two limits must be set.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The master seed: the same seed checks the same cases.</summary>
    public ulong Seed { get; init; } = (ulong)Environment.TickCount64 * 0x9E3779B97F4A7C15;

    /// <summary>Replays exactly one case, from a token a failure report printed (see <see cref="ReplayToken"/>).</summary>
    public ReplayToken? Replay { get; init; }

    /// <summary>
    /// Which part of the master seed's case sequence this run checks: shard i of n runs FsCheck rounds
    /// i, i+n, i+2n... (each round seeded from the master seed and its number), so n machines with
    /// the same seed check disjoint, reproducible ranges and together the rounds one machine would.
    /// </summary>
    public Shard Shard { get; init; } = Shard.All;

    /// <summary>Cases per FsCheck run; sizes sweep from small to large within each run.</summary>
    public int RoundSize { get; init; } = 200;

    /// <summary>Where repro files go; null: no file is written.</summary>
    public string? FindingsDirectory { get; init; }

    /// <summary>Stops the run early (SIGINT, SIGTERM): no new case starts, shrinking stops; the result says so.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// The command a report prints to replay one case exactly (null: <see cref="PropertyEngine"/>
    /// derives it from the check: <c>pmuconf check --target &lt;target&gt; --seed &lt;token&gt;</c>).
    /// Not used for a batching target, whose cases have no token: the report names the master seed
    /// and the case count instead.
    /// </summary>
    public Func<ReplayToken, string>? ReplayCommand { get; init; }

    /// <summary>Called about once a second while cases run.</summary>
    public Action<EngineProgress>? Progress { get; init; }

    /// <summary>
    /// Budgets for <c>dotnet test</c>: PMUCONF_PROPERTY_SECONDS is the suite's total property time
    /// (else <paramref name="defaultTotalSeconds"/>), of which this property gets <paramref name="share"/>;
    /// PMUCONF_PROPERTY_CASES instead gives every property that many cases; PMUCONF_PROPERTY_SEED fixes the seed.
    /// </summary>
    public static EngineSettings FromEnvironment(double share, double defaultTotalSeconds)
    {
        var settings = new EngineSettings();
        if (Environment.GetEnvironmentVariable("PMUCONF_PROPERTY_SEED") is { Length: > 0 } seedText && ReplayToken.TryParseSeed(seedText, out var seed))
        {
            settings = settings with { Seed = seed };
        }
        if (Environment.GetEnvironmentVariable("PMUCONF_PROPERTY_CASES") is { Length: > 0 } casesText && long.TryParse(casesText, out var cases) && cases > 0)
        {
            return settings with { Cases = cases };
        }
        var total = defaultTotalSeconds;
        if (Environment.GetEnvironmentVariable("PMUCONF_PROPERTY_SECONDS") is { Length: > 0 } secondsText
            && double.TryParse(secondsText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0)
        {
            total = s;
        }
        return settings with { Duration = TimeSpan.FromSeconds(total * share) };
    }
}

/// <summary>A progress report: cases checked so far, their rate, failures found.</summary>
public sealed record EngineProgress(string Check, long Cases, TimeSpan Elapsed, int Failures)
{
    public double CasesPerSecond => Elapsed.TotalSeconds > 0 ? Cases / Elapsed.TotalSeconds : 0;

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Check}: {Cases} cases in {Elapsed.TotalSeconds:0.0} s, {CasesPerSecond:0} cases/s, {Failures} failure(s)");
}
