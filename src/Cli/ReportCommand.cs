using System.CommandLine;
using System.Diagnostics;
using PmuConformance.KernelOracle;
using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary>
/// <c>pmuconf report</c>: a bug report a kernel developer can act on (issue 15). Runs one scenario
/// on a kernel and writes a folder: the scenario, the kernel and its command line, per line
/// intended vs observed with rule ids and deviation, host-log splats, a summary for a mail and a
/// standalone C reproducer. <c>--run-repros DIR</c> (CI) compiles every DIR/*/repro.c and runs it
/// on the kernels the ledger lists for its deviation: it must report the deviation there.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = "The .pmu scenario", Arity = ArgumentArity.ZeroOrOne };
        var target = new Option<string?>("--target", "-t") { Description = "kernel:debian-6.1|debian-6.12|debian-7.2|<Image> (default: the first kernel the ledger lists for the scenario's deviation)" };
        var outDir = new Option<string?>("--out") { Description = "The folder to write (default: beside the file, named after it)" };
        var runRepros = new Option<string?>("--run-repros") { Description = "CI: compile DIR/*/repro.c and run each on the kernels the ledger lists for its deviation (must exit 1 or 3: deviation reproduced)" };
        var command = new Command("report",
            "Run one scenario on a real kernel and write a report folder with a standalone C reproducer.\n"
            + "Exit codes: 0 the kernel agrees with intent or shows a known deviation, 1 a new disagreement (or, with --run-repros, a reproducer that did not reproduce), 2 usage error.")
        {
            file, target, outDir, runRepros,
        };
        command.SetAction(parse =>
        {
            var io = parse.InvocationConfiguration;
            if (parse.GetValue(runRepros) is { } dir)
            {
                return RunRepros(dir, io.Output, io.Error);
            }
            if (parse.GetValue(file) is not { } path)
            {
                io.Error.WriteLine("pmuconf report: give a .pmu file (or --run-repros DIR)");
                return ExitCodes.Error;
            }
            return Report(path, parse.GetValue(target), parse.GetValue(outDir), io.Output, io.Error);
        });
        return command;
    }

    private static int Report(string path, string? targetName, string? outDir, TextWriter output, TextWriter error)
    {
        if (!File.Exists(path))
        {
            error.WriteLine($"pmuconf report: no such file: {path}");
            return ExitCodes.Error;
        }
        var text = File.ReadAllText(path);
        if (ScenarioParser.TryParse(text, path, out var parseError) is not { } scenario)
        {
            error.WriteLine(parseError!.Message);
            return ExitCodes.Error;
        }
        targetName ??= DefaultKernel(scenario) is { } k ? KernelTarget.Prefix + k : null;
        if (targetName is null || !targetName.StartsWith(KernelTarget.Prefix, StringComparison.Ordinal))
        {
            error.WriteLine("pmuconf report: --target kernel:... is needed (the scenario names no deviation whose kernels the ledger lists)");
            return ExitCodes.Error;
        }
        if (KernelTarget.Resolve(targetName, out var unknown) is not { } target)
        {
            error.WriteLine("pmuconf report: " + unknown);
            return ExitCodes.Error;
        }
        if (FindingReport.Create(path, text, scenario, target, out var why) is not { } report)
        {
            error.WriteLine("pmuconf report: " + why);
            return ExitCodes.Error;
        }
        var directory = outDir ?? Path.Combine(Path.GetDirectoryName(path) ?? ".", Path.GetFileNameWithoutExtension(path));
        report.WriteTo(directory);
        output.WriteLine($"{path} on {target.Name} (Linux {target.Kernel.Release}): {report.Verdict}");
        output.Write(report.LinesText());
        output.WriteLine($"written: {directory}/ (scenario.pmu kernel.txt lines.txt summary.txt repro.c{(report.Splat.Count > 0 ? " splat.txt" : "")})");
        return report.Comparison.Mismatches.Count > 0 ? ExitCodes.Mismatch : ExitCodes.Ok;
    }

    /// <summary>The first kernel the ledger lists for the scenario's own deviations whose profile the scenario is written for.</summary>
    private static string? DefaultKernel(Scenario scenario) =>
        scenario.Setup.Deviations.Ids.Select(DeviationLedger.Find).OfType<KnownDeviation>()
            .SelectMany(d => d.Kernels)
            .FirstOrDefault(k => KernelImage.ProfileOf(k["debian-".Length..] + ".0") == scenario.Setup.Profile);

    /// <summary>
    /// CI: every DIR/*/repro.c compiled with the cross compiler and run as /init on each kernel the
    /// ledger lists for its scenario's deviations (and whose profile it is written for): exit status
    /// 1 (the deviation reproduced) is required there.
    /// </summary>
    private static int RunRepros(string dir, TextWriter output, TextWriter error)
    {
        var folders = Directory.Exists(dir) ? Directory.GetDirectories(dir).Where(f => File.Exists(Path.Combine(f, "repro.c"))).Order(StringComparer.Ordinal).ToList() : [];
        if (folders.Count == 0)
        {
            error.WriteLine($"pmuconf report: no */repro.c under {dir}");
            return ExitCodes.Error;
        }
        var work = Directory.CreateTempSubdirectory("pmuconf-repro-");
        var clock = Stopwatch.StartNew();
        var failures = 0;
        try
        {
            foreach (var folder in folders)
            {
                var name = Path.GetFileName(folder);
                var scenario = ScenarioParser.Parse(File.ReadAllText(Path.Combine(folder, "scenario.pmu")), Path.Combine(folder, "scenario.pmu"));
                var binary = Path.Combine(work.FullName, name);
                if (ReproRunner.Compile(Path.Combine(folder, "repro.c"), binary) is { } compileError)
                {
                    output.WriteLine($"FAIL {name}: does not compile\n{compileError}");
                    failures++;
                    continue;
                }
                var kernels = scenario.Setup.Deviations.Ids.Select(DeviationLedger.Find).OfType<KnownDeviation>().SelectMany(d => d.Kernels).Distinct()
                    .Where(k => KernelImage.Resolve(k, out _) is { } image && image.Profile == scenario.Setup.Profile).ToList();
                foreach (var kernelName in kernels)
                {
                    var kernel = KernelImage.Resolve(kernelName, out _)!;
                    var run = ReproRunner.Run(binary, kernel, ProbeBatch.PresetOf(scenario.Setup.Host)!);
                    // 1: the deviation's values; 3: those and a host-log splat (H1), which is reported too.
                    // An H1 deviation (a splat, no other difference: exit 2) reproduces when its splat is
                    // the one the ledger names.
                    var splatDeviations = scenario.Setup.Deviations.Ids.Select(DeviationLedger.Find).OfType<KnownDeviation>().Where(d => d.Splat is not null).ToList();
                    var ok = run.ExitStatus is 1 or 3
                        || (run.ExitStatus == 2 && splatDeviations.Any(d => d.Matches(run.Output)));
                    failures += ok ? 0 : 1;
                    output.WriteLine($"{(ok ? "ok  " : "FAIL")} {name} on {kernelName}: exit {run.ExitStatus} "
                        + $"({(run.ExitStatus switch { 1 => "reproduces the known deviation", 3 => "reproduces the known deviation; the host kernel logged a splat", 2 when ok => "reproduces the known deviation: the host kernel logged its splat", _ => "expected 1 or 3: the deviation reproduced" })}), {run.Elapsed.TotalSeconds:0.0} s{(run.Problem.Length > 0 ? "; " + run.Problem : "")}");
                    // The evidence in the CI log: the FAIL lines (the deviation) and the result, or everything on a failure.
                    foreach (var line in run.Output.Where(l => !ok || l.StartsWith("FAIL", StringComparison.Ordinal) || l.StartsWith("result", StringComparison.Ordinal)))
                    {
                        output.WriteLine("    " + line);
                    }
                }
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
        output.WriteLine($"{folders.Count} reproducers, {failures} failures, {clock.Elapsed.TotalSeconds:0} s");
        return failures == 0 ? ExitCodes.Ok : ExitCodes.Mismatch;
    }
}
