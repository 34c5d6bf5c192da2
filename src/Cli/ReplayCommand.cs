using System.CommandLine;

namespace PmuConformance.Cli;

/// <summary><c>pmuconf replay</c>: run scenario files and check every expectation (<see cref="ReplayRunner"/>).</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Scenario files, or directories searched recursively for *.pmu (run in sorted order)",
            Arity = ArgumentArity.OneOrMore,
        };
        var target = new Option<string>("--target", "-t")
        {
            Description = $"Where to run the scenarios: {string.Join(", ", Targets.Names)}",
            DefaultValueFactory = _ => "model",
        };
        var bless = new Option<bool>("--bless")
        {
            Description = "Write the observed values into existing '-> X' and '-> ?' expectations (nothing else changes)",
        };
        var blessAll = new Option<bool>("--bless-all")
        {
            Description = "Like --bless, and also add '-> X' to every step that yields something",
        };
        var verbose = new Option<bool>("--verbose", "-v")
        {
            Description = "Also list every passing file",
        };
        var junit = new Option<string?>("--junit")
        {
            Description = "Also write the results as JUnit XML to this file (one test case per scenario file)",
        };
        var command = new Command("replay", HelpTexts.Replay) { paths, target, bless, blessAll, verbose, junit };
        command.SetAction(parse =>
        {
            var options = new ReplayOptions(
                parse.GetValue(paths)!,
                parse.GetValue(target)!,
                parse.GetValue(bless),
                parse.GetValue(blessAll),
                parse.GetValue(verbose),
                parse.GetValue(junit));
            var io = parse.InvocationConfiguration;
            return new ReplayRunner(io.Output, io.Error).Run(options);
        });
        return command;
    }
}
