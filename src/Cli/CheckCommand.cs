using System.CommandLine;
using System.Globalization;
using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Engine;
using PmuConformance.KernelOracle;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Cli;

/// <summary>
/// <c>pmuconf check</c>: the differential property engine from the command line. Generates 7.2
/// scenarios, runs them on the model and the target, and on the first difference prints and writes
/// the shrunk repro (findings/). Progress goes to stderr about once a second. With <c>--defects</c>
/// it runs the same check against every known defect variant (<see cref="DefectCatalog"/>) and
/// prints which ones it caught.
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
            "Compare the model and a target on generated scenarios (differential property).\n"
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
        if (Targets.Resolve(targetName, out var unknown) is not { } target)
        {
            return Usage(error, unknown!);
        }
        var junit = new JUnitReport($"pmuconf check --target {target.Name}");
        using var interrupt = new Interruption();
        // Printed first, so that even a run killed outright can be repeated.
        error.WriteLine(settings.Replay is { } token
            ? $"pmuconf check: target {target.Name}, replaying {token}"
            : $"pmuconf check: target {target.Name}, seed {Numbers.Hex(settings.Seed)}");
        int code;
        if (target is KernelTarget kernel)
        {
            code = RunKernel(kernel, cases, settings, results, interrupt, junit, output, error);
        }
        else if (target.WhyNotRunnable(Setup.Default) is { } reason)
        {
            return Usage(error, $"target {target.Name} cannot run profile 7.2 scenarios: {reason}");
        }
        else
        {
            code = RunDifferential(target, settings with { Cancellation = interrupt.Token }, printCoverage, junit, output);
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

    private static int RunDifferential(ITarget target, EngineSettings settings, bool printCoverage, JUnitReport junit, TextWriter output)
    {
        // The engine does not write the repro: it is printed first, then written, so a full disk loses nothing.
        var result = PropertyEngine.Run(new DifferentialCheck(target), settings with { FindingsDirectory = null });
        output.WriteLine(result.Summary());
        if (printCoverage)
        {
            output.Write(result.Coverage.Format());
        }
        var name = $"differential {target.Name}";
        if (result.Counterexample is not { } counterexample)
        {
            junit.Add(new JUnitCase(name, "check", result.Interrupted ? JUnitOutcome.Skipped : JUnitOutcome.Passed,
                result.Elapsed.TotalSeconds, result.Interrupted ? "interrupted" : null, result.Summary()));
            return ExitCodes.Ok;
        }
        output.Write(counterexample.Report());
        output.Flush();
        if (settings.FindingsDirectory is { } directory)
        {
            output.WriteLine(Findings.TryWrite(directory, result.Check, counterexample.Text, out var problem) is { } path
                ? $"written to {path}"
                : $"NOT written: {problem}; the scenario above is the repro (replay: {counterexample.ReplayCommand})");
        }
        junit.Add(new JUnitCase(name, "check", JUnitOutcome.Failed, result.Elapsed.TotalSeconds,
            $"{counterexample.Explanation}: expected {counterexample.Expected}, got {counterexample.Actual}; replay: {counterexample.ReplayCommand}",
            counterexample.Text));
        return ExitCodes.Mismatch;
    }

    private static int RunKernel(KernelTarget kernel, long? cases, EngineSettings settings, string? results, Interruption interrupt, JUnitReport junit,
        TextWriter output, TextWriter error)
    {
        var shard = settings.Shard;
        // A kernel runs a batch per boot, not one scenario per call: generated scenarios go in one batch.
        // On SIGINT/SIGTERM the interruption stops QEMU, so the boot ends at once.
        kernel.Progress = message => error.WriteLine(message);
        var count = (int)(cases ?? KernelCommand.DefaultGenerated);
        var report = KernelCampaign.Generated(kernel, count, settings.Replay?.Seed ?? settings.Seed, KernelCommand.Presets, shard: shard);
        if (interrupt.Signal is not null)
        {
            return ExitCodes.Interrupted; // QEMU was stopped: the report only says the boot did not finish
        }
        var resultsPath = results ?? (shard.IsAll ? null : KernelResults.DefaultPath(shard));
        if (resultsPath is not null)
        {
            KernelResults.Save(resultsPath, shard, [report]);
            error.WriteLine($"results of shard {shard}: {resultsPath} (merge with: pmuconf kernel --merge FILES...)");
        }
        junit.Add(KernelCommand.JUnitCase(report));
        var code = KernelCommand.Print(report, output);
        if (code == ExitCodes.Ok && report.Scenarios == report.NotRunnable)
        {
            output.WriteLine($"nothing was checked: no generated scenario was runnable on {kernel.Name} (exit code {ExitCodes.NothingChecked})");
            return ExitCodes.NothingChecked;
        }
        return code;
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
