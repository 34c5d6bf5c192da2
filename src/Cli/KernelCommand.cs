using System.CommandLine;
using PmuConformance.Checking.Engine;
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

    /// <summary>The hosts QEMU can be: generated scenarios use each (four PMU versions: IMP, v3p1, v3p4, v3p5).</summary>
    public static readonly IReadOnlyList<HostSpec> Presets = [.. HostSpec.Presets.Select(p => p.Host)];

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
        var shard = new Option<string?>("--shard")
        {
            Description = "Run only part i of n (i/n): corpus file k and generated case k belong to part k mod n + 1; writes a results file",
        };
        var results = new Option<string?>("--results")
        {
            Description = "Write the reports to this results file (default with --shard: kernel-results-<i>-of-<n>.json)",
        };
        var merge = new Option<string[]>("--merge")
        {
            Description = "Sum the results files of a sharded run into one report (runs nothing)",
            AllowMultipleArgumentsPerToken = true,
        };
        var junit = new Option<string?>("--junit")
        {
            Description = "Also write the results as JUnit XML to this file (one test case per kernel and scenario source)",
        };
        var hosts = new Option<string?>("--hosts")
        {
            Description = $"Comma-separated host presets to generate scenarios on (default all: {string.Join(",", HostSpec.Presets.Select(p => p.Name))})",
        };
        var bundle = new Option<string?>("--bundle")
        {
            Description = "Write a bundle to this folder for an arm64 machine without .NET (static probe, batch, run.sh printing KTAP); "
                + "with --results FILE: judge that bundle's results file; with --boot KERNEL: run the bundle in a QEMU guest (docs/real-hardware.md)",
        };
        var boot = new Option<string?>("--boot") { Description = "With --bundle: run the bundle as /init of a QEMU guest on this kernel and write its KTAP (--results, default DIR/results-KERNEL.ktap)" };
        var preset = new Option<string?>("--preset")
        {
            Description = "With --bundle: the host preset the bundle's expectations assume (default qemu-max); with --boot: the QEMU CPU to boot instead of the bundle's (a machine that is not the preset)",
        };
        var command = new Command("kernel",
            "Check the reference model against real Linux KVM: boots each kernel under QEMU (run scripts/setup-kernel-oracle.sh once),\n"
            + "replays the runnable corpus files and generated scenarios on the qemu-max and qemu-a57 presets, and compares through the projection.\n"
            + "Exit codes: 0 every checked line agrees (known deviations included), 1 a new disagreement (written to findings/), 2 usage error or a kernel\n"
            + "that could not be booted, 4 nothing was runnable, 130 interrupted.")
        {
            kernels, generated, seed, corpus, shard, results, merge, junit, hosts, bundle, boot, preset,
        };
        command.SetAction(parse =>
        {
            var io = parse.InvocationConfiguration;
            if (parse.GetValue(merge) is { Length: > 0 } files)
            {
                return Merge(files, io.Output, io.Error);
            }
            if (parse.GetValue(bundle) is { } bundleDirectory)
            {
                return Bundle(bundleDirectory, parse.GetValue(boot), parse.GetValue(results), parse.GetValue(kernels), parse.GetValue(preset),
                    parse.GetValue(generated), parse.GetValue(seed)!, parse.GetValue(corpus)!, io.Output, io.Error);
            }
            Shard part = Shard.All;
            if (parse.GetValue(shard) is { } shardText)
            {
                if (Shard.Parse(shardText, out var shardError) is not { } parsed)
                {
                    io.Error.WriteLine("pmuconf kernel: " + shardError);
                    return ExitCodes.Error;
                }
                part = parsed;
            }
            var resultsPath = parse.GetValue(results) ?? (part.IsAll ? null : KernelResults.DefaultPath(part));
            var presets = Presets;
            if (parse.GetValue(hosts) is { } hostsText)
            {
                var names = hostsText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var unknownHost = names.FirstOrDefault(n => HostSpec.Presets.All(p => p.Name != n));
                if (unknownHost is not null || names.Length == 0)
                {
                    io.Error.WriteLine($"pmuconf kernel: --hosts: '{unknownHost}' is not a preset (known: {string.Join(", ", HostSpec.Presets.Select(p => p.Name))})");
                    return ExitCodes.Error;
                }
                presets = [.. names.Select(n => HostSpec.Presets.First(p => p.Name == n).Host)];
            }
            return Run(parse.GetValue(kernels) is { Length: > 0 } k ? k : [.. KernelImage.DebianNames], presets,
                parse.GetValue(generated), parse.GetValue(seed)!, parse.GetValue(corpus)!, part, resultsPath, parse.GetValue(junit), io.Output, io.Error);
        });
        return command;
    }

    /// <summary>
    /// <c>--bundle DIR</c>: with <c>--results FILE</c> judge the bundle's results (--results reads here,
    /// where without --bundle it names the shard results file to write); with <c>--boot KERNEL</c> run
    /// it in a QEMU guest; else write it for the first <c>--kernel</c> (default debian-7.2).
    /// </summary>
    private static int Bundle(string directory, string? bootKernel, string? resultsPath, string[]? kernels, string? preset,
        int generated, string seedText, string[] corpus, TextWriter output, TextWriter error)
    {
        if (bootKernel is not null)
        {
            return KernelBundleCommand.Boot(directory, bootKernel, preset, resultsPath, output, error);
        }
        if (resultsPath is not null)
        {
            return KernelBundleCommand.Check(directory, resultsPath, output, error,
                (target, report, writer) => PrintDeviationTable([(target.Kernel.Name, target.ExpectedDeviations, [report])], writer));
        }
        if (!Numbers.TryParse(seedText, out var seed))
        {
            error.WriteLine($"pmuconf kernel: --seed: '{seedText}' is not a number");
            return ExitCodes.Error;
        }
        return KernelBundleCommand.Write(directory, kernels is { Length: > 0 } k ? k[0] : "debian-7.2", preset ?? "qemu-max", generated, seed, corpus, output, error);
    }

    /// <summary><c>--merge</c>: the reports of the shards' results files, summed, printed as one run.</summary>
    private static int Merge(string[] files, TextWriter output, TextWriter error)
    {
        IReadOnlyList<KernelReport> reports;
        try
        {
            reports = KernelResults.Merge(files);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine("pmuconf kernel: " + e.Message);
            return ExitCodes.Error;
        }
        var exit = ExitCodes.Ok;
        foreach (var report in reports)
        {
            exit = Math.Max(exit, Print(report, output));
        }
        PrintDeviationTable(
            [.. reports.GroupBy(r => r.Kernel).Select(g => (g.Key, ExpectedOf(g.Key), g.ToList()))],
            output);
        return exit;
    }

    /// <summary>The deviations the ledger expects of a kernel named in a report (kernel:debian-7.2 ...).</summary>
    private static DeviationSet ExpectedOf(string targetName)
    {
        var name = targetName.StartsWith(KernelTarget.Prefix, StringComparison.Ordinal) ? targetName[KernelTarget.Prefix.Length..] : targetName;
        return KernelImage.DebianNames.Contains(name) ? DeviationLedger.ForKernel(name) : DeviationSet.None;
    }

    private static int Run(string[] kernels, IReadOnlyList<HostSpec> presets, int generated, string seedText, string[] corpus, Shard shard, string? resultsPath, string? junitPath,
        TextWriter output, TextWriter error)
    {
        if (!Numbers.TryParse(seedText, out var seed))
        {
            error.WriteLine($"pmuconf kernel: --seed: '{seedText}' is not a number");
            return ExitCodes.Error;
        }
        if (ScenarioFiles.LoadAll(corpus, "kernel", error) is not { } scenarios)
        {
            return ExitCodes.Error;
        }
        scenarios = [.. shard.Of(scenarios)];
        if (QemuBoot.WhyMissing(Environment.GetEnvironmentVariable("PATH")) is { } noQemu)
        {
            // Once, not once per kernel: no kernel can boot without it.
            error.WriteLine($"pmuconf kernel: {noQemu}");
            return ExitCodes.Error;
        }
        var exit = ExitCodes.Ok;
        var table = new List<(string Kernel, DeviationSet Expected, List<KernelReport> Reports)>();
        var all = new List<KernelReport>();
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
            var corpusReport = KernelCampaign.Replay(target, scenarios, KernelResults.WithShard("corpus", shard));
            var reports = new List<KernelReport> { corpusReport };
            // A kernel that did not boot for the corpus will not boot for generated scenarios either: say it once.
            var unbootable = corpusReport.Boots.Count == 0 && corpusReport.Problems.Count > 0;
            if (generated > 0 && !unbootable)
            {
                // Per kernel AND preset: the QEMU CPUs differ in PMUVer (10- or 16-bit space), counters and PMCEID1.
                foreach (var preset in presets.TakeWhile(_ => interrupt.Signal is null))
                {
                    reports.Add(KernelCampaign.Generated(target, generated, seed, [preset], shard: shard));
                }
                // Section 8 (nested) where the kernel and its QEMU run guest hypervisors (7.2 on QEMU 10).
                var nestedSetup = new Setup(target.Kernel.Profile, HostSpec.QemuMax, new VmSpec(Nested: true, El3: true));
                if (interrupt.Signal is null && target.WhyNotRunnable(nestedSetup) is null)
                {
                    reports.Add(KernelCampaign.Generated(target, generated, seed, [HostSpec.QemuMax], nestedOnly: true, shard: shard));
                }
            }
            foreach (var report in reports)
            {
                exit = Math.Max(exit, Print(report, output));
                runnable += report.Scenarios - report.NotRunnable;
                junit.Add(JUnitCase(report));
            }
            table.Add((target.Kernel.Name, target.ExpectedDeviations, reports));
            all.AddRange(reports);
        }
        if (resultsPath is not null)
        {
            KernelResults.Save(resultsPath, shard, all);
            error.WriteLine($"results of shard {shard}: {resultsPath} (merge with: pmuconf kernel --merge FILES...)");
        }
        PrintDeviationTable(table, output);
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

    /// <summary>A kernel report as one JUnit test case: failed on new disagreements, an error when the kernel did not boot.</summary>
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

    /// <summary>
    /// Kernel x known deviation (behaviour.md section 13): "shows" (n scenarios), "no longer shows"
    /// (exercised, expected by the ledger, not shown: maybe fixed), "not exercised", or "-" (neither
    /// expected of this kernel nor shown).
    /// </summary>
    private static void PrintDeviationTable(List<(string Kernel, DeviationSet Expected, List<KernelReport> Reports)> rows, TextWriter output)
    {
        if (rows.Count == 0)
        {
            return;
        }
        var ids = DeviationLedger.All.Select(d => d.Id)
            .Union(rows.SelectMany(r => r.Reports.SelectMany(x => x.Shown.Keys)))
            .ToList();
        output.WriteLine();
        output.WriteLine("known deviations (behaviour.md section 13; ledger src/ScenarioLanguage/Deviations/ledger.txt):");
        output.WriteLine($"  {"kernel",-14}" + string.Concat(ids.Select(id => $" {id,-26}")));
        foreach (var (kernel, expectedDeviations, reports) in rows)
        {
            var cells = ids.Select(id =>
            {
                var shown = reports.Sum(r => r.Shown.GetValueOrDefault(id));
                var gone = reports.Sum(r => r.NoLongerShown.GetValueOrDefault(id));
                var expected = expectedDeviations.Contains(id);
                return shown > 0 && gone > 0 ? $"shows {shown}, not {gone}"
                    : shown > 0 ? $"shows ({shown})"
                    : gone > 0 ? $"no longer shows ({gone})"
                    : expected ? "not exercised"
                    : "-";
            });
            output.WriteLine($"  {kernel.Replace(KernelTarget.Prefix, ""),-14}" + string.Concat(cells.Select(c => $" {c,-26}")));
        }
    }

    /// <summary>Prints a report: its summary, every disagreement and problem; returns the exit code it deserves.</summary>
    public static int Print(KernelReport report, TextWriter output)
    {
        output.WriteLine(KernelCampaign.Summary(report));
        if (report.Boots.Count > 1)
        {
            // Throughput per batch (one boot each), after start-up.
            foreach (var boot in report.Boots)
            {
                var rate = boot.ScenarioTime.TotalSeconds > 0 ? boot.Scenarios / boot.ScenarioTime.TotalSeconds : 0;
                output.WriteLine(FormattableString.Invariant($"  batch {boot.Preset}: {boot.Scenarios} scenarios, start-up {boot.StartUp.TotalSeconds:0.0} s, {rate:0} scenarios/s after start-up"));
            }
        }
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
        foreach (var (reason, count) in report.UncheckedByReason.OrderByDescending(p => p.Value))
        {
            output.WriteLine($"  not checkable ({count}): {reason}");
        }
        return report.Problems.Count > 0 ? ExitCodes.Error
            : report.Mismatches.Count > 0 ? ExitCodes.Mismatch
            : ExitCodes.Ok;
    }
}
