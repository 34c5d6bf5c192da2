using System.CommandLine;
using System.Globalization;
using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Engine;
using PmuConformance.KernelOracle;
using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary>
/// <c>pmuconf check</c>: the differential property engine from the command line. Generates 7.2
/// scenarios, runs them on the model and the target, and on the first difference prints and writes
/// the shrunk repro (findings/). Progress goes to stderr about once a second.
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
        var command = new Command("check",
            "Compare the model and a target on generated scenarios (differential property).\n"
            + "Exit codes: 0 no divergence, 1 divergence found (repro printed and written to findings/), 2 usage error.")
        {
            target, cases, seconds, seed, coverage,
        };
        command.SetAction(parse =>
        {
            var io = parse.InvocationConfiguration;
            return Run(parse.GetValue(target)!, parse.GetValue(cases), parse.GetValue(seconds), parse.GetValue(seed),
                parse.GetValue(coverage), io.Output, io.Error);
        });
        return command;
    }

    private static int Run(string targetName, long? cases, double? seconds, string? seedText, bool printCoverage, TextWriter output, TextWriter error)
    {
        if (cases is not null && seconds is not null)
        {
            return Usage(error, "give --cases or --seconds, not both");
        }
        if (cases is <= 0 || seconds is <= 0)
        {
            return Usage(error, "--cases and --seconds must be positive");
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
                return Usage(error, $"--seed: '{seedText}' is neither a number nor a replay token seed:gamma:size");
            }
        }
        settings = cases is { } n
            ? settings with { Cases = n }
            : settings with { Duration = TimeSpan.FromSeconds(seconds ?? DefaultSeconds) };
        if (Targets.Resolve(targetName, out var unknown) is not { } target)
        {
            return Usage(error, unknown!);
        }
        if (target is KernelTarget kernel)
        {
            // A kernel runs a batch per boot, not one scenario per call: generated scenarios go in one batch.
            var count = (int)(cases ?? KernelCommand.DefaultGenerated);
            var report = KernelCampaign.Generated(kernel, count, settings.Replay?.Seed ?? settings.Seed, KernelCommand.Presets);
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

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pmuconf check: {message}"));
        return ExitCodes.Error;
    }
}
