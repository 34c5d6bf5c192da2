using System.Globalization;
using System.Text;
using PmuConformance.Checking.Engine;
using PmuConformance.Scenarios;

namespace PmuConformance.Fuzz.Pmu.Reporting;

/// <summary>
/// Turns the raw inputs the engines saved into repro files in the campaign's <c>findings/</c>
/// (and the repository's <c>findings/</c>, like the property engine): a differential finding is
/// decoded, shrunk with <see cref="ScenarioMinimiser"/> and printed as a .pmu file whose
/// expectations are the model's (it passes on the model and fails on the target: ready to be
/// promoted into corpora/); a parser or explain finding is shrunk byte-wise and kept with the
/// exception. Inputs that hung or killed the process are copied, never re-run. Each input is
/// reported once: <c>&lt;key&gt;.txt</c> marks it done, and an input that killed an earlier
/// report run (its <c>.started</c> marker is left over) is recorded as a process killer.
/// </summary>
public sealed class FindingReporter(string targetName, CampaignLayout layout, string? repositoryFindings, TextWriter log)
{
    /// <summary>Exit code of a report run that stopped because an input hung when re-run; run it again.</summary>
    public const int RestartExitCode = 86;

    private static readonly TimeSpan ReproduceTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShrinkBudget = TimeSpan.FromSeconds(30);

    public int Run()
    {
        // A folder that cannot be made (full disk, a file in the way) must not stop the repros from
        // being shrunk and printed: writing them then fails, after they are on screen.
        Try(() => Directory.CreateDirectory(layout.Findings));
        var reported = 0;
        foreach (var raw in layout.RawFindings())
        {
            var report = ReportPath(raw);
            if (File.Exists(report))
            {
                continue;
            }
            var started = Path.Combine(layout.Findings, "." + raw.Key + ".started");
            if (raw.Kind is RawKind.Hang or RawKind.Crash)
            {
                KeepProcessKiller(raw, raw.Kind == RawKind.Hang ? "the execution hung (ran past the timeout)" : "the process died while executing it (e.g. a StackOverflow)");
            }
            else if (File.Exists(started))
            {
                KeepProcessKiller(raw, "re-running it killed the report process (e.g. a StackOverflow)");
            }
            else
            {
                Try(() => File.WriteAllText(started, ""));
                if (!Report(raw))
                {
                    KeepProcessKiller(raw, $"re-running it did not finish within {ReproduceTimeout.TotalSeconds:F0} s (a hang)");
                    Try(() => File.Delete(started));
                    log.Flush();
                    Environment.Exit(RestartExitCode); // the stuck thread cannot be stopped
                }
            }
            File.Delete(started);
            reported++;
        }
        return reported;
    }

    private string ReportPath(RawFinding raw) => Path.Combine(layout.Findings, raw.Key + ".txt");

    /// <summary>A bookkeeping write whose failure the writes that follow report anyway.</summary>
    private static void Try(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The repro files' own writes fail next, with the reason, after the repro is printed.
        }
    }

    /// <summary>False if re-running the input hung.</summary>
    private bool Report(RawFinding raw)
    {
        var input = File.ReadAllBytes(raw.Path);
        var (function, _) = PmuTargets.Split(targetName);
        var definition = PmuTargets.Resolve(targetName) ?? throw new InvalidOperationException($"unknown target '{targetName}'");
        var isFinding = definition.IsFinding ?? (_ => true);
        if (!WithTimeout(() => Failure(definition.Target, input), out var thrown))
        {
            return false;
        }
        if (thrown is null || !isFinding(thrown))
        {
            var what = thrown is null ? "runs cleanly" : $"is only refused ({thrown.GetType().Name})";
            Write(raw, $"{raw.Path}\nre-run in process, the input {what}: it was saved for killing the process, or the failure depends on state (a bug of its own).\n");
            log.WriteLine($"  {raw.Key}: does not reproduce in process ({what}); kept as {raw.Path}");
            return true;
        }
        if (function == PmuTargets.Differential)
        {
            ReportDifferential(raw, input, thrown);
        }
        else
        {
            ReportText(raw, input, thrown, function, definition.Target, isFinding);
        }
        return true;
    }

    private void ReportDifferential(RawFinding raw, byte[] input, Exception thrown)
    {
        var (_, againstName) = PmuTargets.Split(targetName);
        var against = PmuTargets.Against(againstName, out var error) ?? throw new InvalidOperationException(error);
        var differential = new DifferentialTarget(against);
        var scenario = differential.Decoder.Decode(input);
        var kind = thrown.GetType();
        bool StillFails(Scenario candidate) => Failure(() => differential.Check(candidate)) is { } e && e.GetType() == kind;
        var (shrunk, shrinks) = ScenarioMinimiser.Shrink(scenario, differential.Decoder.Options.Runnable, StillFails, ShrinkBudget);
        var failure = Failure(() => differential.Check(shrunk))!;

        var expectations = differential.Expected(shrunk).Outcomes.Select(o => (Outcome?)o).ToList();
        var comments = new List<string>
        {
            $"Found by pmuconf fuzz (target {targetName}); raw input {raw.Path}.",
            "",
            "Expectations are the reference model's values: this file passes on the model and fails on the target.",
            againstName.StartsWith(SelfTestTargets.Prefix, StringComparison.Ordinal)
                ? $"{againstName} is the fuzz harness's own broken emulator: replay it with pmuconf-fuzz run {targetName} <raw input>"
                : $"Reproduce: pmuconf replay <this file> --target {againstName}",
        };
        if (failure is DivergenceException divergence)
        {
            var line = comments.Count + 5 + divergence.StepIndex; // comments, profile, host, vm, blank line, steps
            comments[1] = $"model and {againstName} differ: first difference at line {line}: expected {divergence.Expected}, got {divergence.Actual}";
        }
        else
        {
            comments[1] = $"{againstName} threw on this scenario: {failure.GetType().Name}: {failure.Message.Split('\n')[0]}";
        }
        var text = ScenarioPrinter.Print(shrunk with { Comments = comments }, expectations);
        // On screen before any file is written: a full disk must not lose the repro.
        log.WriteLine($"  {raw.Key}: the shrunk repro:");
        log.Write(text);
        log.Flush();
        var repository = repositoryFindings is null ? null : Findings.Write(repositoryFindings, "fuzz-" + targetName.Replace(':', '-').Replace('@', '-'), text);
        AtomicFile.WriteText(Path.Combine(layout.Findings, raw.Key + ".pmu"), text);
        var report = string.Create(CultureInfo.InvariantCulture,
            $"{raw.Path}\n{comments[1]}\n{scenario.Steps.Count} steps shrunk to {shrunk.Steps.Count} in {shrinks} shrinks\nrepro: {Path.Combine(layout.Findings, raw.Key + ".pmu")}\n{(repository is null ? "" : $"also: {repository}\n")}\n{failure}\n");
        Write(raw, report);
        log.WriteLine($"  {raw.Key}: {comments[1]} ({scenario.Steps.Count} -> {shrunk.Steps.Count} steps)");
        log.WriteLine($"    {Path.Combine(layout.Findings, raw.Key + ".pmu")}");
    }

    private void ReportText(RawFinding raw, byte[] input, Exception thrown, string function, Engine.FuzzTarget target, Func<Exception, bool> isFinding)
    {
        var signature = Signature(thrown);
        var shrunk = ByteShrinker.Shrink(input, candidate => Failure(target, candidate) is { } e && isFinding(e) && Signature(e) == signature);
        var failure = Failure(target, shrunk)!;
        var extension = function == PmuTargets.Parser ? ".pmu" : ".filters";
        var shown = function == PmuTargets.Parser
            ? Encoding.UTF8.GetString(shrunk)
            : $"machine {ExplainTarget.Describe(shrunk).Machine}\narguments: {string.Join(" ", ExplainTarget.Describe(shrunk).Arguments.Select(a => $"'{a}'"))}";
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Found by pmuconf fuzz (target {targetName}); raw input {raw.Path}.")
            .AppendLine(CultureInfo.InvariantCulture, $"{input.Length} bytes shrunk to {shrunk.Length}: {failure.GetType().FullName}: {failure.Message}")
            .AppendLine("---- input ----")
            .AppendLine(shown)
            .AppendLine("---- exception ----")
            .AppendLine(failure.ToString())
            .ToString();
        log.Write(report);
        log.Flush();
        AtomicFile.Write(Path.Combine(layout.Findings, raw.Key + extension), shrunk);
        if (repositoryFindings is not null)
        {
            Directory.CreateDirectory(repositoryFindings);
            AtomicFile.WriteText(Path.Combine(repositoryFindings, $"fuzz-{function}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{raw.Key}.txt"), report);
        }
        Write(raw, report);
        log.WriteLine($"  {raw.Key}: {failure.GetType().Name}: {failure.Message.Split('\n')[0]} ({input.Length} -> {shrunk.Length} bytes)");
    }

    private void KeepProcessKiller(RawFinding raw, string why)
    {
        var copy = Path.Combine(layout.Findings, raw.Key + ".input");
        File.Copy(raw.Path, copy, overwrite: true);
        Write(raw, $"{raw.Path}\n{why}\nkept as {copy}; reproduce with: pmuconf-fuzz run {targetName} {copy}\n");
        log.WriteLine($"  {raw.Key}: {why}; kept as {copy}");
    }

    /// <summary>The report is written last and whole: its presence marks the raw finding as reported.</summary>
    private void Write(RawFinding raw, string report) =>
        AtomicFile.WriteText(ReportPath(raw), report);

    private static string Signature(Exception e) => $"{e.GetType().FullName} at {e.TargetSite?.DeclaringType?.FullName}.{e.TargetSite?.Name}";

    private static Exception? Failure(Engine.FuzzTarget target, byte[] input) => Failure(() => target(input));

    private static Exception? Failure(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return e;
        }
    }

    /// <summary>Runs on a thread with the engines' 8 MiB stack; false if it did not finish in time.</summary>
    private static bool WithTimeout(Func<Exception?> work, out Exception? thrown)
    {
        Exception? result = null;
        var thread = new Thread(() => result = work(), 8 << 20) { IsBackground = true, Name = "reproduce" };
        thread.Start();
        var finished = thread.Join(ReproduceTimeout);
        thrown = result;
        return finished;
    }
}
