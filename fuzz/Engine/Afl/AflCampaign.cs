using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using PmuConformance.Fuzz.Engine.Afl;

namespace PmuConformance.Fuzz.Engine;

/// <summary>
/// Launches afl-fuzz against a harness executable: one main instance (-M main) and
/// <see cref="AflOptions.Instances"/>-1 secondaries (-S s1, s2, ...), each running the harness's
/// target under SharpFuzz's out-of-process fork server (<c>afl-target</c>), sharing one sync folder,
/// and summarises their statistics while they run.
/// </summary>
public static partial class AflCampaign
{
    /// <summary>Beside a harness, the copy whose assemblies SharpFuzz instrumented (fuzz/Instrument.targets).</summary>
    public const string SharpFuzzCopyFolder = "afl";

    /// <summary>The SharpFuzz-instrumented copy of <paramref name="harnessExecutable"/>, which afl-fuzz runs.</summary>
    public static string SharpFuzzCopyOf(string harnessExecutable)
    {
        string copy = Path.Combine(Path.GetDirectoryName(harnessExecutable)!, SharpFuzzCopyFolder, Path.GetFileName(harnessExecutable));
        return File.Exists(copy)
            ? copy
            : throw new InvalidOperationException($"{copy} is missing: the harness must import fuzz/Instrument.targets, which makes that copy");
    }

    /// <summary>Runs the campaign until every instance stops (-V elapsed) or cancellation.</summary>
    /// <param name="harnessExecutable">The harness's native launcher (not "dotnet x.dll"); see <see cref="SelfCommand.Executable"/>.</param>
    /// <param name="targetName">The target the harness exposes under this name.</param>
    /// <param name="options">Folders, instance count, duration, timeout.</param>
    /// <param name="progress">Receives a snapshot about once per <see cref="AflOptions.ProgressInterval"/>.</param>
    /// <param name="cancellationToken">Sends SIGINT to the instances (afl-fuzz then stops and keeps its output).</param>
    public static AflSummary Run(
        string harnessExecutable, string targetName, AflOptions options, IProgress<AflProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Instances, 1);
        string output = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(output);
        CheckHarness(harnessExecutable, targetName);
        string seeds = PrepareSeeds(options, output);

        var clock = Stopwatch.StartNew();
        var instances = new List<AflInstance>();
        try
        {
            for (int i = options.FirstInstance; i < options.FirstInstance + options.Instances; i++)
            {
                string name = i == 0 ? "main" : string.Create(CultureInfo.InvariantCulture, $"s{i}");
                instances.Add(AflInstance.Start(name, options.AflFuzzPath, AflArguments(harnessExecutable, targetName, options, output, seeds, name), Environment(options), output));
            }

            Monitor(instances, output, options, progress, clock, cancellationToken);
            return Summarise(instances, output, clock.Elapsed);
        }
        finally
        {
            foreach (AflInstance instance in instances)
            {
                instance.Dispose();
            }
        }
    }

    private static void Monitor(
        List<AflInstance> instances, string output, AflOptions options, IProgress<AflProgress>? progress, Stopwatch clock, CancellationToken cancellationToken)
    {
        bool interrupted = false;
        TimeSpan killAfter = TimeSpan.MaxValue;
        while (instances.Any(i => !i.HasExited))
        {
            cancellationToken.WaitHandle.WaitOne(options.ProgressInterval);
            if (cancellationToken.IsCancellationRequested && !interrupted)
            {
                interrupted = true;
                killAfter = clock.Elapsed + TimeSpan.FromSeconds(15);
                instances.ForEach(i => i.Interrupt());
            }

            if (clock.Elapsed > killAfter)
            {
                instances.ForEach(i => i.Kill());
            }

            progress?.Report(new AflProgress(clock.Elapsed, ReadStatistics(instances, output)));
        }
    }

    private static AflSummary Summarise(List<AflInstance> instances, string output, TimeSpan elapsed)
    {
        List<AflFinding> Findings(string kind) =>
            [.. instances.SelectMany(i =>
            {
                string folder = Path.Combine(output, i.Name, kind);
                return Directory.Exists(folder)
                    ? Directory.EnumerateFiles(folder, "id:*").Order(StringComparer.Ordinal).Select(path => new AflFinding(i.Name, path, TimeOf(path)))
                    : [];
            })];

        return new AflSummary(elapsed, ReadStatistics(instances, output), Findings("crashes"), Findings("hangs"), [.. instances.Select(i => i.ExitCode)]);
    }

    private static List<AflInstanceStatistics> ReadStatistics(List<AflInstance> instances, string output) =>
        [.. instances.Select(i => AflInstanceStatistics.Read(Path.Combine(output, i.Name))).OfType<AflInstanceStatistics>()];

    private static List<string> AflArguments(
        string harness, string target, AflOptions options, string output, string seeds, string name)
    {
        var arguments = new List<string>
        {
            name == "main" ? "-M" : "-S", name,
            "-i", seeds,
            "-o", output,
            "-t", options.TimeoutMilliseconds.ToString(CultureInfo.InvariantCulture),
            "-V", ((int)Math.Ceiling(options.Duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
        };
        if (options.DictionaryFile is not null)
        {
            arguments.AddRange(["-x", Path.GetFullPath(options.DictionaryFile)]);
        }

        arguments.AddRange(
        [
            "--", harness, HarnessCommands.AflTarget, target,
            "--max-len", options.MaxInputLength.ToString(CultureInfo.InvariantCulture),
        ]);
        return arguments;
    }

    private static Dictionary<string, string> Environment(AflOptions options)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AFL_SKIP_BIN_CHECK"] = "1",            // the harness is an apphost, not an AFL-compiled binary
            ["AFL_NO_UI"] = "1",
            ["AFL_SKIP_CPUFREQ"] = "1",             // containers cannot read or set the governor
            ["AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES"] = "1", // core_pattern is not ours to change
            ["AFL_TRY_AFFINITY"] = "1",             // bind a free core if any, but never refuse to start
            ["AFL_AUTORESUME"] = "1",               // an existing output folder is resumed
            ["AFL_MAP_SIZE"] = SharpFuzzCoverage.MapSize.ToString(CultureInfo.InvariantCulture),
            ["AFL_FORKSRV_INIT_TMOUT"] = "60000",  // .NET start-up plus JIT on a busy machine
        };
        foreach ((string key, string value) in options.Environment)
        {
            environment[key] = value;
        }

        return environment;
    }

    private static string PrepareSeeds(AflOptions options, string output)
    {
        if (options.SeedDirectory is { } folder && Directory.Exists(folder)
            && Directory.EnumerateFiles(folder).Any(f => new FileInfo(f).Length > 0))
        {
            return Path.GetFullPath(folder);
        }

        // AFL needs at least one non-empty seed. A dot folder is not mistaken for an instance.
        string seeds = Path.Combine(output, ".seeds");
        Directory.CreateDirectory(seeds);
        File.WriteAllBytes(Path.Combine(seeds, "seed"), "0"u8.ToArray());
        return seeds;
    }

    // Runs "harness check target" first: a harness that cannot load or run its target would
    // otherwise only show up as afl-fuzz's opaque "fork server handshake failed".
    private static void CheckHarness(string harness, string target)
    {
        var start = new ProcessStartInfo(harness) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(HarnessCommands.Check);
        start.ArgumentList.Add(target);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {harness}");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{harness} check {target}' failed (exit code {process.ExitCode}):\n{text}{errors.Result}");
        }
    }

    private static TimeSpan? TimeOf(string path) =>
        TimeField().Match(Path.GetFileName(path)) is { Success: true } match
            ? TimeSpan.FromMilliseconds(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
            : null;

    [GeneratedRegex(@"(?:^|,)time:(\d+)")]
    private static partial Regex TimeField();
}
