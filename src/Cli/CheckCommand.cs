using System.CommandLine;
using System.Globalization;
using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Engine;
using PmuConformance.KernelOracle;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Cli;

/// <summary>
/// <c>pmuconf check</c>: the differential property engine from the command line. Generates
/// scenarios for the target (profile 7.2; a kernel's own profile on the QEMU presets), runs them on
/// the model and the target, judges them as the target is judged (<see cref="ITarget.Comparison"/>),
/// and on the first difference prints and writes the shrunk repro (findings/). Progress goes to
/// stderr about once a second. With <c>--defects</c> it runs the same check against every known
/// defect variant (<see cref="DefectCatalog"/>) and prints which ones it caught.
/// </summary>
public static class CheckCommand
{
    private const double DefaultSeconds = 10;

    public static Command Create()
    {
        var target = new Option<string>("--target", "-t")
        {
            Description = $"The target compared with the model: {string.Join(", ", Targets.Names)}",
            DefaultValueFactory = _ => "emulator",
        };
        var cases = new Option<long?>("--cases") { Description = "Stop after this many generated scenarios" };
        var seconds = new Option<double?>("--seconds") { Description = $"Stop after this many seconds (default {DefaultSeconds})" };
        var seed = new Option<string?>("--seed")
        {
            Description = "A master seed (number), or a replay token printed by a failure: seed:gamma:size (hex), or FsCheck's (seed,gamma,size)",
        };
        var shard = new Option<string?>("--shard")
        {
            Description = "i/n (1 <= i <= n): check only part i of the master seed's cases (case or engine round k in part k mod n + 1; "
                + "n machines, the same --seed on all); with --target kernel:<K> also write a results file",
        };
        var results = new Option<string?>("--results")
        {
            Description = "With --target kernel:<K>: the results file (default with --shard: kernel-results-<i>-of-<n>.json; merge with pmuconf kernel --merge)",
        };
        var coverage = new Option<bool>("--coverage") { Description = "Print the rule-id and edge-class distribution table" };
        var defects = new Option<bool>("--defects")
        {
            Description = "Run the check against every known defect variant (emulator:<defect>), each until its first "
                + "counterexample or the budget (--cases/--seconds per defect), and print a table of what was caught",
        };
        var junit = new Option<string?>("--junit")
        {
            Description = "Also write the result as JUnit XML to this file (one test case for the property; with --defects one per defect)",
        };
        var command = new Command("check",
            "Compare the model and a target on generated scenarios (differential property), as the target is judged\n"
            + "(exactly, or a kernel through its projection); a kernel gets them in batches, one boot per preset and batch.\n"
            + "Exit codes: 0 no divergence, 1 divergence found (repro and replay command printed, then written to findings/),\n"
            + "2 usage error or a target that could not run, 4 nothing checked (kernel: no generated scenario was runnable),\n"
            + "130 interrupted (SIGINT/SIGTERM: the seed and a command for the same cases are printed).\n"
            + "With --defects: 0 every defect variant caught, 1 some variant not caught, 2 usage error.")
        {
            target, cases, seconds, seed, shard, results, coverage, defects, junit,
        };
        command.SetAction(parse =>
        {
            var io = parse.InvocationConfiguration;
            if (parse.GetValue(defects))
            {
                return parse.GetResult(target) is { Implicit: false } || parse.GetValue(coverage)
                    ? Usage(io.Error, "--defects runs every emulator:<defect> target; it takes no --target or --coverage")
                    : RunDefects(parse.GetValue(cases), parse.GetValue(seconds), parse.GetValue(seed), parse.GetValue(junit), io.Output, io.Error);
            }
            var part = Shard.All;
            if (parse.GetValue(shard) is { } shardText)
            {
                if (Shard.Parse(shardText, out var shardError) is not { } parsed)
                {
                    return Usage(io.Error, shardError!);
                }
                if (parse.GetValue(seed) is null)
                {
                    return Usage(io.Error, "--shard needs --seed: every shard of a run must generate the same cases");
                }
                part = parsed;
            }
            return Run(parse.GetValue(target)!, parse.GetValue(cases), parse.GetValue(seconds), parse.GetValue(seed),
                parse.GetValue(coverage), part, parse.GetValue(results), parse.GetValue(junit), io.Output, io.Error);
        });
        return command;
    }

    private static int Run(string targetName, long? cases, double? seconds, string? seedText, bool printCoverage, Shard shard, string? results,
        string? junitPath, TextWriter output, TextWriter error)
    {
        if (Settings(cases, seconds, seedText, error, out var problem) is not { } settings)
        {
            return Usage(error, problem!);
        }
        settings = settings with { Shard = shard };
        // A kernel says before each boot what it boots, so that a minute of booting is not a minute of silence.
        if (Targets.Resolve(targetName, out var unknown, progress: message => error.WriteLine(message)) is not { } target)
        {
            return Usage(error, unknown!);
        }
        var check = new DifferentialCheck(target);
        if (settings.Replay is not null && check.BatchSize > 1)
        {
            return Usage(error, $"--seed: {target.Name} runs its cases in batches, which are numbered, not replayed by token: "
                + "repeat a case with its master seed and --cases (the failure report prints the command)");
        }
        var junit = new JUnitReport($"pmuconf check --target {target.Name}");
        using var interrupt = new Interruption();
        // Printed first, so that even a run killed outright can be repeated.
        error.WriteLine(settings.Replay is { } token
            ? $"pmuconf check: target {target.Name}, replaying {token}"
            : $"pmuconf check: target {target.Name}, seed {Numbers.Hex(settings.Seed)}");
        var profile = check.Generator.Profiles[0];
        if (target.WhyNotRunnable(Setup.Default with { Profile = profile }) is { } reason)
        {
            return Usage(error, $"target {target.Name} cannot run profile {KernelProfiles.Name(profile)} scenarios: {reason}");
        }
        int code;
        try
        {
            code = RunCheck(check, settings with { Cancellation = interrupt.Token }, printCoverage, results, junit, output, error);
        }
        catch (TargetFailureException) when (interrupt.Signal is not null)
        {
            code = ExitCodes.Interrupted; // the signal stopped QEMU in the middle of a boot
        }
        catch (TargetFailureException e)
        {
            // The target could not run at all (a kernel that does not boot): one error, never a finding.
            error.WriteLine($"pmuconf check: target {target.Name} could not run: {e.Message}");
            junit.Add(new JUnitCase($"differential {target.Name}", "check", JUnitOutcome.Error, 0, e.Message, null));
            code = ExitCodes.Error;
        }
        if (interrupt.Signal is { } signal)
        {
            output.WriteLine($"interrupted by {signal}: {InterruptedRepeat(target, cases, seconds, settings)}");
            code = code == ExitCodes.Mismatch ? code : ExitCodes.Interrupted;
        }
        if (junitPath is not null && junit.TryWrite(junitPath) is { } junitProblem)
        {
            error.WriteLine($"pmuconf check: {junitProblem}");
            return code == ExitCodes.Ok ? ExitCodes.Error : code;
        }
        return code;
    }

    /// <summary>The command that checks the same cases as an interrupted run.</summary>
    private static string InterruptedRepeat(ITarget target, long? cases, double? seconds, EngineSettings settings)
    {
        if (settings.Replay is { } token)
        {
            return $"repeat with pmuconf check --target {target.Name} --seed {token}";
        }
        var budget = cases is { } n ? $" --cases {n}" : seconds is { } s ? FormattableString.Invariant($" --seconds {s}") : "";
        return $"seed {Numbers.Hex(settings.Seed)}; repeat with pmuconf check --target {target.Name} --seed {Numbers.Hex(settings.Seed)}{budget}";
    }

    /// <summary>
    /// The one path for every target: the engine runs the check (one case at a time, or in the
    /// target's batches), the summary and a shrunk counterexample are printed, then the repro is
    /// written. A target judged through a projection (a kernel) also gets the projection's report
    /// (lines checked, not checkable by reason, known deviations shown, boots), which a sharded or
    /// <c>--results</c> run writes to a results file that <c>pmuconf kernel --merge</c> reads.
    /// </summary>
    private static int RunCheck(DifferentialCheck check, EngineSettings settings, bool printCoverage, string? results, JUnitReport junit,
        TextWriter output, TextWriter error)
    {
        var target = check.Target;
        var batchesBefore = target.Batches.Count;
        // The engine does not write the repro: it is printed first, then written, so a full disk loses nothing.
        var result = PropertyEngine.Run(check, settings with { FindingsDirectory = null });
        output.WriteLine(result.Summary());
        if (printCoverage)
        {
            output.Write(result.Coverage.Format());
        }
        var name = $"differential {target.Name}";
        string? writtenTo = null;
        if (result.Counterexample is { } counterexample)
        {
            output.Write(counterexample.Report());
            output.Flush();
            if (settings.FindingsDirectory is { } directory)
            {
                writtenTo = Findings.TryWrite(directory, result.Check, counterexample.Text, out var problem);
                output.WriteLine(writtenTo is not null
                    ? $"written to {writtenTo}"
                    : $"NOT written: {problem}; the scenario above is the repro (replay: {counterexample.ReplayCommand})");
            }
            junit.Add(new JUnitCase(name, "check", JUnitOutcome.Failed, result.Elapsed.TotalSeconds,
                $"{counterexample.Explanation}: expected {counterexample.Expected}, got {counterexample.Actual}; replay: {counterexample.ReplayCommand}",
                counterexample.Text));
        }
        else
        {
            junit.Add(new JUnitCase(name, "check", result.Interrupted ? JUnitOutcome.Skipped : JUnitOutcome.Passed,
                result.Elapsed.TotalSeconds, result.Interrupted ? "interrupted" : null, result.Summary()));
        }
        if (!target.Comparison.IsExact)
        {
            var source = KernelCampaign.GeneratedSource(settings.Cases ?? result.Cases, settings.Seed, check.Generator.Hosts, nestedOnly: false, settings.Shard);
            var report = KernelReport.Of(target.Name, source, (int)result.Cases, result.Tally, problems: [],
                findings: writtenTo is not null ? [writtenTo] : [], [.. target.Batches.Skip(batchesBefore)]);
            KernelCommand.Print(report, output);
            var resultsPath = results ?? (settings.Shard.IsAll ? null : KernelResults.DefaultPath(settings.Shard));
            if (resultsPath is not null)
            {
                KernelResults.Save(resultsPath, settings.Shard, [report]);
                error.WriteLine($"results of shard {settings.Shard}: {resultsPath} (merge with: pmuconf kernel --merge FILES...)");
            }
        }
        if (result.Counterexample is not null)
        {
            return ExitCodes.Mismatch;
        }
        if (!result.Interrupted && result.Tally.NotRunnable == result.Cases)
        {
            output.WriteLine($"nothing was checked: no generated scenario was runnable on {target.Name} (exit code {ExitCodes.NothingChecked})");
            return ExitCodes.NothingChecked;
        }
        return ExitCodes.Ok;
    }

    /// <summary>The engine settings of the options, or null with the usage error.</summary>
    private static EngineSettings? Settings(long? cases, double? seconds, string? seedText, TextWriter error, out string? problem)
    {
        problem = null;
        if (cases is not null && seconds is not null)
        {
            problem = "give --cases or --seconds, not both";
            return null;
        }
        if (cases is <= 0 || seconds is <= 0)
        {
            problem = "--cases and --seconds must be positive";
            return null;
        }
        var settings = new EngineSettings
        {
            FindingsDirectory = Findings.DefaultDirectory(),
            Progress = progress => error.WriteLine(progress),
        };
        if (seedText is not null)
        {
            if (ReplayToken.TryParse(seedText, out var token))
            {
                settings = settings with { Replay = token };
            }
            else if (ReplayToken.TryParseSeed(seedText, out var seed))
            {
                settings = settings with { Seed = seed };
            }
            else
            {
                problem = $"--seed: '{seedText}' is neither a number nor a replay token (seed:gamma:size or FsCheck's (seed,gamma,size))";
                return null;
            }
        }
        return cases is { } n
            ? settings with { Cases = n }
            : settings with { Duration = TimeSpan.FromSeconds(seconds ?? DefaultSeconds) };
    }

    /// <summary>
    /// The defect report (issue 5): the differential check against each defect variant in turn, with
    /// the same budget and master seed, each stopping at its first counterexample; one table row per
    /// defect as it finishes. No repro files are written (fifteen per run would bury findings/): the
    /// footer says how to get one, since the same seed finds the same counterexample again.
    /// </summary>
    private static int RunDefects(long? cases, double? seconds, string? seedText, string? junitPath, TextWriter output, TextWriter error)
    {
        if (Settings(cases, seconds, seedText, error, out var problem) is not { } settings)
        {
            return Usage(error, problem!);
        }
        if (settings.Replay is not null)
        {
            return Usage(error, "--defects takes a master seed, not a replay token");
        }
        settings = settings with { FindingsDirectory = null };
        var nameWidth = DefectCatalog.All.Max(d => d.Name.Length);
        output.WriteLine(FormattableString.Invariant($"{"defect".PadRight(nameWidth)}  caught  {"cases",8}  {"seconds",8}  {"steps",5}"));
        var missed = 0;
        var junit = new JUnitReport("pmuconf check --defects");
        foreach (var defect in DefectCatalog.All)
        {
            var result = PropertyEngine.Run(new DifferentialCheck(defect.Create()), settings);
            var name = defect.Name.PadRight(nameWidth);
            junit.Add(result.Counterexample is { } caught
                ? new JUnitCase(defect.TargetName, "check.defects", JUnitOutcome.Passed, result.Elapsed.TotalSeconds, null,
                    $"caught after {caught.CasesToFirstFailure} cases; replay: {caught.ReplayCommand}")
                : new JUnitCase(defect.TargetName, "check.defects", JUnitOutcome.Failed, result.Elapsed.TotalSeconds,
                    $"not caught in {result.Cases} cases", result.Summary()));
            if (result.Counterexample is { } found)
            {
                output.WriteLine(FormattableString.Invariant(
                    $"{name}  {"yes",-6}  {found.CasesToFirstFailure,8}  {found.TimeToFirstFailure.TotalSeconds,8:0.00}  {found.ShrunkSteps,5}"));
            }
            else
            {
                missed++;
                output.WriteLine(FormattableString.Invariant(
                    $"{name}  {"NO",-6}  {result.Cases,8}  {result.Elapsed.TotalSeconds,8:0.00}  {"-",5}"));
            }
        }
        var total = DefectCatalog.All.Count;
        var seed = Numbers.Hex(settings.Seed);
        output.WriteLine($"{total - missed} of {total} defects caught, seed {seed}");
        output.WriteLine($"A defect's repro: pmuconf check --target {DefectCatalog.Prefix}<defect> --seed {seed} (same budget)");
        var code = missed == 0 ? ExitCodes.Ok : ExitCodes.Mismatch;
        if (junitPath is not null && junit.TryWrite(junitPath) is { } junitProblem)
        {
            error.WriteLine($"pmuconf check: {junitProblem}");
            return code == ExitCodes.Ok ? ExitCodes.Error : code;
        }
        return code;
    }

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pmuconf check: {message}"));
        return ExitCodes.Error;
    }
}
