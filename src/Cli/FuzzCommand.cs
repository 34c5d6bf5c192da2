using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using PmuConformance.Checking.Engine;

namespace PmuConformance.Cli;

/// <summary>
/// <c>pmuconf fuzz</c>: coverage-guided fuzzing (issue 6). This process is not instrumented; it
/// launches the instrumented harness <c>fuzz/Pmu.Harness</c> (built when missing or older than
/// the sources), which runs the in-process engine or an AFL++ campaign and then turns each raw
/// finding into a shrunk repro. The campaign folder (<c>--out</c>) keeps everything, so the same
/// command resumes it: <c>seeds/</c>, <c>inproc/</c> or <c>afl/</c> (the engine's state) and
/// <c>findings/</c> (repros; differential ones are also written to the repository's findings/).
/// </summary>
public static class FuzzCommand
{
    private const double DefaultSeconds = 60;

    /// <summary>The harness's exit code when its engine saved new raw findings (HarnessExitCodes.Findings).</summary>
    private const int EngineFoundNewInputs = 3;
    private static readonly string[] Functions = ["differential", "parser", "explain"];
    private static readonly string[] Engines = ["inproc", "afl"];

    public static Command Create()
    {
        var function = new Option<string>("--target-fn")
        {
            Description = "What to fuzz: differential (bytes -> valid scenario -> model vs --against), parser (.pmu text), explain (filter text)",
            Required = true,
        };
        function.AcceptOnlyFromAmong(Functions);
        var engine = new Option<string>("--engine")
        {
            Description = "inproc (fast, deterministic for a seed) or afl (AFL++ campaign, one instance per job)",
            DefaultValueFactory = _ => "inproc",
        };
        engine.AcceptOnlyFromAmong(Engines);
        var seconds = new Option<double?>("--seconds") { Description = $"Time budget (default {DefaultSeconds})" };
        var jobs = new Option<int?>("--jobs")
        {
            Description = "afl: instances, one -M main and the rest -S secondaries (default: one per core); inproc runs one process",
        };
        var against = new Option<string>("--against")
        {
            Description = "differential: the target compared with the model: emulator, emulator:<defect> (or the harness's selftest:<name>)",
            DefaultValueFactory = _ => "emulator",
        };
        var seed = new Option<ulong>("--seed") { Description = "inproc: random seed (same seed, same folder state: same run)", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Campaign folder (default fuzz-out/<target>); run again to resume" };
        var stop = new Option<bool>("--stop-on-finding") { Description = "inproc: stop at the first new finding" };
        var noBuild = new Option<bool>("--no-build") { Description = "Do not build the harness even if it is missing or older than the sources" };
        var command = new Command("fuzz",
            "Coverage-guided fuzzing of the emulator against the model, the scenario parser or the filter-text parser.\n"
            + "Progress: one line a second (execs/s, edges, corpus, findings). Ctrl-C stops cleanly; the same command resumes.\n"
            + "Exit codes: 0 nothing found, 1 new findings (repros under <out>/findings and findings/), 2 usage or set-up error.")
        {
            function, engine, seconds, jobs, against, seed, output, stop, noBuild,
        };
        command.SetAction(parse =>
        {
            var io = parse.InvocationConfiguration;
            var request = new FuzzRequest(
                parse.GetValue(function)!, parse.GetValue(engine)!, parse.GetValue(seconds) ?? DefaultSeconds, parse.GetValue(jobs),
                parse.GetValue(against)!, parse.GetValue(seed), parse.GetValue(output), parse.GetValue(stop), !parse.GetValue(noBuild));
            return Run(request, io.Output, io.Error);
        });
        return command;
    }

    private static int Run(FuzzRequest request, TextWriter output, TextWriter error)
    {
        if (request.Seconds <= 0 || request.Jobs < 1)
        {
            return Usage(error, "--seconds and --jobs must be positive");
        }
        if (request.Function != "differential" && request.Against != "emulator")
        {
            return Usage(error, "--against applies to --target-fn differential only");
        }
        if (request.Engine == "inproc" && request.Jobs > 1)
        {
            return Usage(error, "--jobs applies to --engine afl (the in-process engine is one process)");
        }
        var campaign = Path.GetFullPath(request.Output ?? Path.Combine("fuzz-out", request.TargetName.Replace(':', '-').Replace('@', '-')));
        // One folder, one campaign: a second run on the same folder would share the engine's state
        // and take the first one's inputs for its own crashes.
        using var campaignLock = CampaignLock.TryTake(campaign, out var busy);
        if (campaignLock is null)
        {
            return Usage(error, busy!);
        }
        if (FuzzHarness.RepositoryRoot() is not { } root)
        {
            return Usage(error, "cannot find the repository (PmuConformance.sln) above the current or the pmuconf folder");
        }
        var harness = new FuzzHarness(root, output, error);
        if (!harness.Ensure(request.Build))
        {
            return ExitCodes.Error;
        }

        var targetFile = Path.Combine(campaign, "target");
        // An empty file is what a full disk left of an earlier first run: no campaign yet.
        if (File.Exists(targetFile) && File.ReadAllText(targetFile).Trim() is { Length: > 0 } earlier && earlier != request.TargetName)
        {
            return Usage(error, $"{campaign} holds a campaign of '{earlier}', not '{request.TargetName}': use another --out");
        }
        try
        {
            AtomicFile.WriteText(targetFile, request.TargetName + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Usage(error, $"cannot write to the campaign folder {campaign}: {e.Message}");
        }

        var seeds = Path.Combine(campaign, "seeds");
        if (!Directory.Exists(seeds) && harness.Run(["seeds", request.TargetName, "--out", seeds, "--corpora", Path.Combine(root, "corpora")]) != 0)
        {
            return ExitCodes.Error;
        }

        var findings = Path.Combine(campaign, "findings");
        var before = Reports(findings);
        output.WriteLine($"pmuconf fuzz: {request.TargetName}, engine {request.Engine}, {request.Seconds.ToString(CultureInfo.InvariantCulture)} s, campaign {campaign}");
        var code = harness.Run(EngineArguments(request, campaign, seeds), interruptible: true);
        if (code is 1 or 2)
        {
            error.WriteLine($"pmuconf fuzz: the harness failed (exit code {code})");
            return ExitCodes.Error;
        }
        var engineFoundNew = code == EngineFoundNewInputs;

        // Decode, shrink and write every raw finding not reported yet; a report run that stops
        // on an input that hangs when re-run (exit 86) is started again and skips it.
        string repositoryFindings = Findings.DefaultDirectory();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            code = harness.Run(["report", request.TargetName, "--campaign", campaign, "--findings", repositoryFindings]);
            if (code != 86)
            {
                break;
            }
        }
        var found = Reports(findings).Except(before).Count();
        if (code != 0)
        {
            // The engine's raw inputs are on disk; what the report step shrank is printed above.
            error.WriteLine($"pmuconf fuzz: the report step failed (exit code {code}): run the same command again to report the rest");
            if (engineFoundNew || found > 0)
            {
                output.WriteLine($"pmuconf fuzz: new finding(s): raw inputs under {campaign}, repros printed above");
                return ExitCodes.Mismatch;
            }
            return ExitCodes.Error;
        }
        output.WriteLine(found == 0 ? "pmuconf fuzz: no new findings" : $"pmuconf fuzz: {found} new finding(s) in {findings}");
        return found > 0 ? ExitCodes.Mismatch : ExitCodes.Ok;
    }

    private static List<string> EngineArguments(FuzzRequest request, string campaign, string seeds)
    {
        var seconds = request.Seconds.ToString(CultureInfo.InvariantCulture);
        // Differential inputs use a few hundred bytes (one or two bytes per generator choice):
        // a longer tail is never read, and mutating it would waste executions.
        var maxLength = request.Function == "differential" ? "1024" : "4096";
        if (request.Engine == "afl")
        {
            return ["afl", request.TargetName, "--out", Path.Combine(campaign, "afl"), "--seeds", seeds,
                "--jobs", request.Jobs.ToString(CultureInfo.InvariantCulture), "--max-time", seconds, "--max-len", maxLength];
        }
        List<string> arguments = ["fuzz", request.TargetName, "--out", Path.Combine(campaign, "inproc"), "--seeds", seeds,
            "--seed", request.Seed.ToString(CultureInfo.InvariantCulture), "--max-time", seconds, "--max-len", maxLength];
        if (request.StopOnFinding)
        {
            arguments.Add("--stop-on-finding");
        }
        return arguments;
    }

    private static HashSet<string> Reports(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.txt").ToHashSet(StringComparer.Ordinal) : [];

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine($"pmuconf fuzz: {message}");
        return ExitCodes.Error;
    }

    private sealed record FuzzRequest(
        string Function, string Engine, double Seconds, int? JobsOption, string Against, ulong Seed, string? Output, bool StopOnFinding, bool Build)
    {
        /// <summary>The harness's target name: <c>differential@&lt;against&gt;</c> unless against is the emulator.</summary>
        public string TargetName => Function == "differential" && Against != "emulator" ? $"{Function}@{Against}" : Function;

        public int Jobs => JobsOption ?? (Engine == "afl" ? Math.Max(1, Environment.ProcessorCount) : 1);
    }
}

/// <summary>The instrumented harness executable: where it is, building it, running it with its output passed through.</summary>
internal sealed class FuzzHarness(string root, TextWriter output, TextWriter error)
{
    private const int SigInt = 2;

    private string Project => Path.Combine(root, "fuzz", "Pmu.Harness");

    /// <summary>
    /// The harness is built in pmuconf's own configuration (bin/&lt;configuration&gt;/net10.0): a Debug
    /// pmuconf, as after `dotnet test`, uses the Debug harness that build already made; a Release one
    /// (nightly campaigns) the faster Release harness.
    /// </summary>
    private static string Configuration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name is "Debug" ? "Debug" : "Release";

    private string Executable => Path.Combine(Project, "bin", Configuration, "net10.0", "pmuconf-fuzz");

    /// <summary>The folder holding PmuConformance.sln above the working directory or pmuconf's own folder.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PmuConformance.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }

    /// <summary>Builds the harness (in <see cref="Configuration"/>) when it is missing or a source it is built from is newer.</summary>
    public bool Ensure(bool build)
    {
        var stale = !File.Exists(Executable) || NewestSource() > File.GetLastWriteTimeUtc(Executable + ".dll");
        if (!stale || !build)
        {
            if (!File.Exists(Executable))
            {
                error.WriteLine($"pmuconf fuzz: {Executable} is missing: run 'dotnet build {Project} -c {Configuration}'");
                return false;
            }
            return true;
        }
        output.WriteLine($"pmuconf fuzz: building the harness: dotnet build {Path.GetRelativePath(root, Project)} -c {Configuration}");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "build", Project, "-c", Configuration, "--nologo", "-v", "q" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            error.WriteLine($"pmuconf fuzz: building the harness failed:\n{text}{errors.Result}");
            return false;
        }
        return true;
    }

    /// <summary>
    /// Runs the harness, passing its output through line by line. With <paramref name="interruptible"/>,
    /// Ctrl-C or SIGTERM is forwarded to it as SIGINT (it then stops cleanly) instead of ending pmuconf.
    /// </summary>
    public int Run(IReadOnlyList<string> arguments, bool interruptible = false)
    {
        var start = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var gate = new object();
        process.OutputDataReceived += (_, line) => Pass(output, line.Data, gate);
        process.ErrorDataReceived += (_, line) => Pass(error, line.Data, gate);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        void Forward(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!process.HasExited)
            {
                _ = Kill(process.Id, SigInt);
            }
        }
        using var interrupt = interruptible ? PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward) : null;
        using var terminate = interruptible ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward) : null;
        process.WaitForExit();
        return process.ExitCode;
    }

    private static void Pass(TextWriter writer, string? line, object gate)
    {
        if (line is null)
        {
            return;
        }
        lock (gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private DateTime NewestSource() =>
        new[] { "src/ScenarioLanguage", "src/ReferenceModel", "src/SystemUnderTest", "src/Checking", "src/Cli", "fuzz" }
            .Select(folder => Path.Combine(root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories))
            .Where(path => (path.EndsWith(".cs", StringComparison.Ordinal) || path.EndsWith(".csproj", StringComparison.Ordinal) || path.EndsWith(".targets", StringComparison.Ordinal))
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.GetLastWriteTimeUtc)
            .DefaultIfEmpty(DateTime.MinValue)
            .Max();

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
