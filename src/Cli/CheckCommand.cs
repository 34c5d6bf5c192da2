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
            Description = "A master seed (number), or a replay token seed:gamma:size printed by a failure",
        };
        var coverage = new Option<bool>("--coverage") { Description = "Print the rule-id and edge-class distribution table" };
        var defects = new Option<bool>("--defects")
        {
            Description = "Run the check against every known defect variant (emulator:<defect>), each until its first "
                + "counterexample or the budget (--cases/--seconds per defect), and print a table of what was caught",
        };
        var shard = new Option<string?>("--shard")
        {
            Description = "With --target kernel:<K>: run only part i of n (i/n) of the generated cases (case k in part k mod n + 1) and write a results file",
        };
        var results = new Option<string?>("--results")
        {
            Description = "With --target kernel:<K>: the results file (default with --shard: kernel-results-<i>-of-<n>.json; merge with pmuconf kernel --merge)",
        };
        var command = new Command("check",
            "Compare the model and a target on generated scenarios (differential property).\n"
            + "Exit codes: 0 no divergence, 1 divergence found (repro printed and written to findings/), 2 usage error.\n"
            + "With --defects: 0 every defect variant caught, 1 some variant not caught, 2 usage error.")
        {
            target, cases, seconds, seed, coverage, defects, shard, results,
        };
        command.SetAction(parse =>
        {
            var io = parse.InvocationConfiguration;
            if (parse.GetValue(defects))
            {
                return parse.GetResult(target) is { Implicit: false } || parse.GetValue(coverage)
                    ? Usage(io.Error, "--defects runs every emulator:<defect> target; it takes no --target or --coverage")
                    : RunDefects(parse.GetValue(cases), parse.GetValue(seconds), parse.GetValue(seed), io.Output, io.Error);
            }
            Shard part = Shard.All;
            if (parse.GetValue(shard) is { } shardText)
            {
                if (Shard.Parse(shardText, out var shardError) is not { } parsed)
                {
                    return Usage(io.Error, shardError!);
                }
                if (!parse.GetValue(target)!.StartsWith(KernelTarget.Prefix, StringComparison.Ordinal))
                {
                    return Usage(io.Error, "--shard splits the generated cases of a kernel target (--target kernel:<K>)");
                }
                if (parse.GetValue(seed) is null)
                {
                    return Usage(io.Error, "--shard needs --seed: every shard of a run must generate the same cases");
                }
                part = parsed;
            }
            return Run(parse.GetValue(target)!, parse.GetValue(cases), parse.GetValue(seconds), parse.GetValue(seed),
                parse.GetValue(coverage), part, parse.GetValue(results), io.Output, io.Error);
        });
        return command;
    }

    private static int Run(string targetName, long? cases, double? seconds, string? seedText, bool printCoverage, Shard shard, string? results, TextWriter output, TextWriter error)
    {
        if (Settings(cases, seconds, seedText, error, out var problem) is not { } settings)
        {
            return Usage(error, problem!);
        }
        if (Targets.Resolve(targetName, out var unknown) is not { } target)
        {
            return Usage(error, unknown!);
        }
        if (target is KernelTarget kernel)
        {
            // A kernel runs a batch per boot, not one scenario per call: generated scenarios go in one batch.
            var count = (int)(cases ?? KernelCommand.DefaultGenerated);
            var report = KernelCampaign.Generated(kernel, count, settings.Replay?.Seed ?? settings.Seed, KernelCommand.Presets, shard: shard);
            var resultsPath = results ?? (shard.IsAll ? null : KernelResults.DefaultPath(shard));
            if (resultsPath is not null)
            {
                KernelResults.Save(resultsPath, shard, [report]);
                error.WriteLine($"results of shard {shard}: {resultsPath} (merge with: pmuconf kernel --merge FILES...)");
            }
            return KernelCommand.Print(report, output);
        }
        if (target.WhyNotRunnable(Setup.Default) is { } reason)
        {
            return Usage(error, $"target {target.Name} cannot run profile 7.2 scenarios: {reason}");
        }
        var result = PropertyEngine.Run(new DifferentialCheck(target), settings);
        output.WriteLine(result.Summary());
        if (printCoverage)
        {
            output.Write(result.Coverage.Format());
        }
        if (result.Counterexample is { } counterexample)
        {
            output.Write(counterexample.Report());
            return ExitCodes.Mismatch;
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
                problem = $"--seed: '{seedText}' is neither a number nor a replay token seed:gamma:size";
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
    private static int RunDefects(long? cases, double? seconds, string? seedText, TextWriter output, TextWriter error)
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
        foreach (var defect in DefectCatalog.All)
        {
            var result = PropertyEngine.Run(new DifferentialCheck(defect.Create()), settings);
            var name = defect.Name.PadRight(nameWidth);
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
        return missed == 0 ? ExitCodes.Ok : ExitCodes.Mismatch;
    }

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pmuconf check: {message}"));
        return ExitCodes.Error;
    }
}
