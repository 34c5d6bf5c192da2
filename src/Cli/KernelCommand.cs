using System.CommandLine;
using PmuConformance.KernelOracle;
using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary>
/// <c>pmuconf kernel</c>: the kernel oracle's full run. For each kernel, the part of the corpus it
/// can run plus generated scenarios on both QEMU presets, compared with the model's matching
/// profile through the projection; per kernel, the counts of checked and not checkable lines.
/// </summary>
public static class KernelCommand
{
    public const int DefaultGenerated = 300;

    /// <summary>The hosts QEMU can be: generated scenarios use both.</summary>
    public static readonly IReadOnlyList<HostSpec> Presets = [HostSpec.QemuMax, HostSpec.QemuA57];

    public static Command Create()
    {
        var kernels = new Option<string[]>("--kernel", "-k")
        {
            Description = "A kernel: debian-6.1, debian-6.12, debian-7.2 or a path to an arm64 Image (repeatable; default: the three Debian kernels)",
            AllowMultipleArgumentsPerToken = true,
        };
        var generated = new Option<int>("--generated")
        {
            Description = $"Generated scenarios per kernel and QEMU preset (default {DefaultGenerated})",
            DefaultValueFactory = _ => DefaultGenerated,
        };
        var seed = new Option<string>("--seed") { Description = "Seed of the generated scenarios (default 1)", DefaultValueFactory = _ => "1" };
        var corpus = new Option<string[]>("--corpus")
        {
            Description = "Scenario files or folders to replay first (default: corpora)",
            DefaultValueFactory = _ => ["corpora"],
        };
        var junit = new Option<string?>("--junit")
        {
            Description = "Also write the results as JUnit XML to this file (one test case per kernel and scenario source)",
        };
        var command = new Command("kernel",
            "Check the reference model against real Linux KVM: boots each kernel under QEMU (run scripts/setup-kernel-oracle.sh once),\n"
            + "replays the runnable corpus files and generated scenarios on the qemu-max and qemu-a57 presets, and compares through the projection.\n"
            + "Exit codes: 0 every checked line agrees, 1 a disagreement (written to findings/), 2 usage error or a kernel that could not be booted,\n"
            + "4 nothing checked (no scenario was runnable on any kernel), 130 interrupted (SIGINT/SIGTERM; QEMU is stopped).")
        {
            kernels, generated, seed, corpus, junit,
        };
        command.SetAction(parse =>
        {
            var io = parse.InvocationConfiguration;
            return Run(parse.GetValue(kernels) is { Length: > 0 } k ? k : [.. KernelImage.DebianNames],
                parse.GetValue(generated), parse.GetValue(seed)!, parse.GetValue(corpus)!, parse.GetValue(junit), io.Output, io.Error);
        });
        return command;
    }

    private static int Run(string[] kernels, int generated, string seedText, string[] corpus, string? junitPath, TextWriter output, TextWriter error)
    {
        if (!Numbers.TryParse(seedText, out var seed))
        {
            error.WriteLine($"pmuconf kernel: --seed: '{seedText}' is not a number");
            return ExitCodes.Error;
        }
        var files = ScenarioFiles.Expand(corpus, out var missing);
        if (missing.Count > 0)
        {
            error.WriteLine($"pmuconf kernel: no such file or directory: {string.Join(", ", missing)}");
            return ExitCodes.Error;
        }
        var scenarios = new List<Scenario>();
        foreach (var file in files)
        {
            if (ScenarioParser.TryParse(File.ReadAllText(file), file, out var parseError) is { } scenario)
            {
                scenarios.Add(scenario);
            }
            else
            {
                error.WriteLine(parseError!.Message);
                return ExitCodes.Error;
            }
        }
        if (QemuBoot.WhyMissing(Environment.GetEnvironmentVariable("PATH")) is { } noQemu)
        {
            // Once, not once per kernel: no kernel can boot without it.
            error.WriteLine($"pmuconf kernel: {noQemu}");
            return ExitCodes.Error;
        }
        var exit = ExitCodes.Ok;
        var junit = new JUnitReport("pmuconf kernel");
        var runnable = 0;
        using var interrupt = new Interruption();
        foreach (var name in kernels)
        {
            if (interrupt.Signal is not null)
            {
                break;
            }
            if (KernelTarget.Resolve(KernelTarget.Prefix + name, out var unknown) is not { } target)
            {
                error.WriteLine($"pmuconf kernel: {unknown}");
                exit = ExitCodes.Error;
                continue;
            }
            error.WriteLine($"kernel {target.Kernel.Name}: Linux {target.Kernel.Release}, profile {KernelProfiles.Name(target.Kernel.Profile)}");
            target.Progress = message => error.WriteLine(message);
            var report = KernelCampaign.Replay(target, scenarios, "corpus");
            var reports = new List<KernelReport> { report };
            // A kernel that did not boot for the corpus will not boot for generated scenarios either: say it once.
            var unbootable = report.Boots.Count == 0 && report.Problems.Count > 0;
            if (generated > 0 && !unbootable)
            {
                // Per kernel AND preset: the two QEMU CPUs differ in PMUVer (10- or 16-bit space) and PMCEID1.
                foreach (var preset in Presets.TakeWhile(_ => interrupt.Signal is null))
                {
                    reports.Add(KernelCampaign.Generated(target, generated, seed, [preset]));
                }
            }
            foreach (var each in reports)
            {
                exit = Math.Max(exit, Print(each, output));
                runnable += each.Scenarios - each.NotRunnable;
                junit.Add(JUnitCase(each));
            }
        }
        if (interrupt.Signal is { } signal)
        {
            output.WriteLine($"interrupted by {signal}: QEMU stopped; repeat with pmuconf kernel --seed {Numbers.Hex(seed)}");
            exit = ExitCodes.Interrupted;
        }
        else if (exit == ExitCodes.Ok && runnable == 0)
        {
            output.WriteLine($"nothing was checked: no scenario was runnable on {string.Join(", ", kernels)} (exit code {ExitCodes.NothingChecked})");
            exit = ExitCodes.NothingChecked;
        }
        if (junitPath is not null && junit.TryWrite(junitPath) is { } problem)
        {
            error.WriteLine($"pmuconf kernel: {problem}");
            exit = exit == ExitCodes.Ok ? ExitCodes.Error : exit;
        }
        return exit;
    }

    /// <summary>A kernel report as one JUnit test case: failed on disagreements, an error when the kernel did not boot.</summary>
    public static JUnitCase JUnitCase(KernelReport report)
    {
        var details = string.Join("\n", [KernelCampaign.Summary(report), .. report.Mismatches.Select(m => m.ToString()), .. report.Problems]);
        var seconds = report.Boots.Sum(b => b.Elapsed.TotalSeconds);
        var name = $"{report.Kernel} {report.Source}";
        return report.Problems.Count > 0 ? new JUnitCase(name, "kernel", JUnitOutcome.Error, seconds, report.Problems[0], details)
            : report.Mismatches.Count > 0 ? new JUnitCase(name, "kernel", JUnitOutcome.Failed, seconds, $"{report.Mismatches.Count} disagreement(s): {report.Mismatches[0]}", details)
            : report.Scenarios == report.NotRunnable ? new JUnitCase(name, "kernel", JUnitOutcome.Skipped, seconds, "no scenario was runnable here", details)
            : new JUnitCase(name, "kernel", JUnitOutcome.Passed, seconds, null, details);
    }

    /// <summary>Prints a report: its summary, every disagreement and problem; returns the exit code it deserves.</summary>
    public static int Print(KernelReport report, TextWriter output)
    {
        output.WriteLine(KernelCampaign.Summary(report));
        foreach (var mismatch in report.Mismatches)
        {
            output.WriteLine("  " + mismatch);
        }
        foreach (var finding in report.Findings)
        {
            output.WriteLine("  repro: " + finding);
        }
        foreach (var problem in report.Problems)
        {
            output.WriteLine("  problem: " + problem);
        }
        return report.Problems.Count > 0 ? ExitCodes.Error
            : report.Mismatches.Count > 0 ? ExitCodes.Mismatch
            : ExitCodes.Ok;
    }
}
