using System.CommandLine;
using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary><c>pmuconf replay</c>: run scenario files and check their expectations (minimal; the CLI issue completes it).</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "scenario files or directories" };
        var target = new Option<string>("--target") { Description = "target", DefaultValueFactory = _ => "model" };
        var command = new Command("replay", "Replay .pmu scenarios and check every expectation") { paths, target };
        command.SetAction(parse =>
        {
            var t = Targets.Resolve(parse.GetValue(target)!, out var error);
            if (t is null)
            {
                Console.Error.WriteLine(error);
                return 2;
            }
            int passed = 0, failed = 0;
            foreach (var path in parse.GetValue(paths)!)
            {
                var files = Directory.Exists(path) ? Directory.GetFiles(path, "*.pmu", SearchOption.AllDirectories).Order() : new[] { path }.Order();
                foreach (var file in files)
                {
                    var scenario = ScenarioParser.ParseFile(file);
                    var execution = t.Execute(scenario);
                    var mismatches = ExpectationCheck.Mismatches(scenario, execution);
                    foreach (var m in mismatches)
                    {
                        Console.WriteLine(m);
                    }
                    if (execution.Error is not null)
                    {
                        Console.WriteLine(execution.Error.Message);
                    }
                    if (mismatches.Count == 0 && execution.Error is null)
                    {
                        passed++;
                    }
                    else
                    {
                        failed++;
                    }
                }
            }
            Console.WriteLine($"{passed} passed, {failed} failed");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }
}
