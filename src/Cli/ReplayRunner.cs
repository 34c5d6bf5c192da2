using System.Text;
using PmuConformance.ReferenceModel;
using PmuConformance.Checking.Engine;
using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary>What <c>pmuconf replay</c> was asked to do.</summary>
/// <param name="Bless">Write observed values into existing <c>-&gt; X</c> and <c>-&gt; ?</c> expectations.</param>
/// <param name="BlessAll">Like <paramref name="Bless"/>, and also add <c>-&gt; X</c> to every step that yields something.</param>
/// <param name="Verbose">Also list every passing file.</param>
/// <param name="JUnit">Also write the results as JUnit XML to this file (one test case per scenario file).</param>
public sealed record ReplayOptions(
    IReadOnlyList<string> Paths,
    string Target = "model",
    bool Bless = false,
    bool BlessAll = false,
    bool Verbose = false,
    string? JUnit = null);

/// <summary>
/// Runs scenario files on one target and reports, per file, every unmet expectation
/// (<c>file:line: expected X, got Y</c>), scenario errors and skipped files, then one summary line.
/// Results go to the output writer; usage errors to the error writer. A file is only "passed" when
/// it checked something: a file without steps or expectations, or with an unfilled <c>-&gt; ?</c>,
/// is an error, and a run in which every file was skipped exits with
/// <see cref="ExitCodes.NothingChecked"/>.
/// </summary>
/// <param name="writeFile">How blessed files are written (default <see cref="AtomicFile.Write"/>; tests inject failures).</param>
public sealed class ReplayRunner(TextWriter output, TextWriter error, Action<string, byte[]>? writeFile = null)
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>A scenario file as read: its text and the scenario, or why it could not be read.</summary>
    private sealed record LoadedFile(string Path, string Text, bool HasBom, Scenario? Scenario, string? Error);

    /// <summary>A target's transcript of one file, or what the target threw instead.</summary>
    private sealed record RunResult(Execution? Execution, string? Crash = null);

    private enum Verdict
    {
        Passed,
        Failed,
        Blessed,
        Error,
        Skipped,
        NotWritten,
    }

    private readonly Action<string, byte[]> write = writeFile ?? WriteAtomically;

    private static void WriteAtomically(string path, byte[] bytes) => AtomicFile.Write(path, bytes);

    /// <summary>What was printed about the file being reported, for the JUnit report.</summary>
    private readonly List<string> said = [];

    private void Say(string line)
    {
        output.WriteLine(line);
        said.Add(line);
    }

    public int Run(ReplayOptions options)
    {
        var target = Targets.Resolve(options.Target, out var unknownTarget);
        if (target is null)
        {
            return UsageError(unknownTarget!);
        }
        if ((options.Bless || options.BlessAll) && !target.Comparison.IsExact)
        {
            return UsageError($"--bless needs a target with exact values (model, emulator); {target.Name} is compared through a projection");
        }
        var files = ScenarioFiles.Expand(options.Paths, out var missing);
        if (missing.Count > 0)
        {
            foreach (var path in missing)
            {
                // The paths argument takes any word, so a misspelt option arrives here.
                error.WriteLine(path.StartsWith('-')
                    ? $"pmuconf replay: unknown option '{path}' (see pmuconf replay --help)"
                    : $"pmuconf replay: no such file or directory: {path}");
            }
            return ExitCodes.Error;
        }
        if (files.Count == 0)
        {
            return UsageError($"no {ScenarioFiles.Pattern} files under {string.Join(", ", options.Paths)}");
        }

        var loaded = files.Select(Load).ToList();
        var runnable = new List<LoadedFile>();
        var verdicts = new Verdict[loaded.Count];
        var reasons = new string?[loaded.Count];
        for (var i = 0; i < loaded.Count; i++)
        {
            if (loaded[i].Scenario is { } scenario && target.WhyNotRunnable(scenario) is { } why)
            {
                verdicts[i] = Verdict.Skipped;
                reasons[i] = why;
            }
            else if (loaded[i].Scenario is not null)
            {
                runnable.Add(loaded[i]);
            }
        }
        Dictionary<LoadedFile, RunResult> executions;
        try
        {
            executions = ExecuteAll(target, runnable);
        }
        catch (TargetFailureException e)
        {
            // The target could not run at all (a kernel that does not boot): one error, not one crash per file.
            error.WriteLine($"pmuconf replay: target {target.Name} could not run: {e.Message}");
            return ExitCodes.Error;
        }
        var junit = new JUnitReport($"pmuconf replay --target {target.Name}");

        for (var i = 0; i < loaded.Count; i++)
        {
            var file = loaded[i];
            said.Clear();
            if (file.Error is not null)
            {
                Say(file.Error);
                verdicts[i] = Verdict.Error;
            }
            else if (verdicts[i] == Verdict.Skipped)
            {
                Say($"{file.Path}: skipped by target {target.Name}: {reasons[i]}");
            }
            else
            {
                verdicts[i] = Report(file, executions[file], target, options);
            }
            junit.Add(JUnitCase(file.Path, target.Name, verdicts[i], reasons[i]));
        }

        int Count(Verdict v) => verdicts.Count(x => x == v);
        var summary = $"{Count(Verdict.Passed)} passed, {Count(Verdict.Failed)} failed";
        if (options.Bless || options.BlessAll)
        {
            summary += $", {Count(Verdict.Blessed)} blessed";
        }
        if (Count(Verdict.Error) > 0)
        {
            summary += $", {Count(Verdict.Error)} with scenario errors";
        }
        if (Count(Verdict.NotWritten) > 0)
        {
            summary += $", {Count(Verdict.NotWritten)} not written";
        }
        if (Count(Verdict.Skipped) > 0)
        {
            summary += $", {Count(Verdict.Skipped)} skipped";
        }
        var nothingChecked = Count(Verdict.Skipped) == verdicts.Length;
        if (nothingChecked)
        {
            output.WriteLine($"nothing was checked: target {target.Name} skipped every file (exit code {ExitCodes.NothingChecked})");
        }
        output.WriteLine(summary);
        var code = Count(Verdict.Error) + Count(Verdict.NotWritten) > 0 ? ExitCodes.Error
            : Count(Verdict.Failed) > 0 ? ExitCodes.Mismatch
            : nothingChecked ? ExitCodes.NothingChecked
            : ExitCodes.Ok;
        if (options.JUnit is { } junitPath && junit.TryWrite(junitPath) is { } problem)
        {
            error.WriteLine($"pmuconf replay: {problem}");
            return code == ExitCodes.Mismatch ? code : ExitCodes.Error;
        }
        return code;
    }

    private JUnitCase JUnitCase(string path, string targetName, Verdict verdict, string? skipReason)
    {
        var details = string.Join("\n", said);
        var outcome = verdict switch
        {
            Verdict.Passed or Verdict.Blessed => JUnitOutcome.Passed,
            Verdict.Failed => JUnitOutcome.Failed,
            Verdict.Skipped => JUnitOutcome.Skipped,
            _ => JUnitOutcome.Error,
        };
        var message = verdict == Verdict.Skipped ? skipReason : said.FirstOrDefault();
        return new JUnitCase(path, $"replay.{targetName}", outcome, 0, outcome == JUnitOutcome.Passed ? null : message, details);
    }

    private int UsageError(string message)
    {
        error.WriteLine($"pmuconf replay: {message}");
        return ExitCodes.Error;
    }

    private static LoadedFile Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new LoadedFile(path, "", false, null, $"{path}: cannot read: {e.Message}");
        }
        var hasBom = bytes.AsSpan().StartsWith(Utf8Bom);
        var text = new UTF8Encoding(false).GetString(hasBom ? bytes[Utf8Bom.Length..] : bytes);
        var scenario = ScenarioParser.TryParse(text, path, out var parseError);
        return new LoadedFile(path, text, hasBom, scenario, parseError?.Message);
    }

    /// <summary>
    /// One batch, so that targets with a start-up cost pay it once. If the batch throws, each
    /// scenario runs alone so that one crash is charged to its own file only.
    /// </summary>
    private static Dictionary<LoadedFile, RunResult> ExecuteAll(ITarget target, List<LoadedFile> files)
    {
        var results = new Dictionary<LoadedFile, RunResult>();
        try
        {
            var executions = target.ExecuteAll(files.Select(f => f.Scenario!).ToList());
            if (executions.Count == files.Count)
            {
                for (var i = 0; i < files.Count; i++)
                {
                    results[files[i]] = new RunResult(executions[i]);
                }
                return results;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException and not TargetFailureException)
        {
            // fall through to one scenario at a time
        }
        foreach (var file in files)
        {
            try
            {
                results[file] = new RunResult(target.Execute(file.Scenario!));
            }
            catch (Exception e) when (e is not OutOfMemoryException and not TargetFailureException)
            {
                results[file] = new RunResult(null, $"{e.GetType().Name}: {e.Message}");
            }
        }
        return results;
    }

    private Verdict Report(LoadedFile file, RunResult result, ITarget target, ReplayOptions options)
    {
        var scenario = file.Scenario!;
        if (scenario.Steps.Count == 0)
        {
            Say($"{file.Path}: nothing to check: the scenario has no steps");
            return Verdict.Error;
        }
        if (result.Execution is not { } execution)
        {
            Say($"{file.Path}: target {target.Name} crashed: {result.Crash}");
            return Verdict.Failed;
        }
        if (execution.Status == ExecutionStatus.NotRunnable)
        {
            // Found out only by running it (the kernel's probe refused it): as a file skipped up front.
            Say($"{file.Path}: skipped by target {target.Name}: {execution.NotRunnableReason}");
            return Verdict.Skipped;
        }
        if (!target.Comparison.IsExact && execution.Error is null)
        {
            return ReportProjected(file, target, execution, options);
        }
        var blessing = (options.Bless || options.BlessAll) && execution.Error is null;
        if (!blessing && Placeholders.Lines(file.Text) is { Count: > 0 } unfilled)
        {
            // A placeholder checks nothing: replaying it without --bless would pass silently.
            foreach (var line in unfilled)
            {
                Say($"{file.Path}:{line}: unfilled placeholder '-> ?': run 'pmuconf replay --bless' to fill it");
            }
            return Verdict.Error;
        }
        var mismatches = target.Comparison.AgainstExpectations(scenario, execution).Mismatches;
        if (!blessing)
        {
            foreach (var mismatch in mismatches)
            {
                Say(mismatch.ToString());
            }
        }
        if (execution.Error is not null)
        {
            Say(execution.Error.Message);
            return Verdict.Error;
        }
        if (execution.Outcomes.Count != scenario.Steps.Count)
        {
            Say($"{file.Path}: target {target.Name} gave {execution.Outcomes.Count} results for {scenario.Steps.Count} steps");
            return Verdict.Failed;
        }
        var expectations = scenario.Steps.Count(s => s.Expected is not null);
        if (blessing)
        {
            if (expectations == 0 && !options.BlessAll && Placeholders.Lines(file.Text).Count == 0)
            {
                Say($"{file.Path}: nothing to check or bless: no '->' expectations (--bless-all adds them)");
                return Verdict.Error;
            }
            return Bless(file, execution, options.BlessAll, mismatches);
        }
        if (mismatches.Count > 0)
        {
            return Verdict.Failed;
        }
        if (expectations == 0)
        {
            Say($"{file.Path}: nothing to check: no '->' expectations (add them, or let 'pmuconf replay --bless-all' write them)");
            return Verdict.Error;
        }
        if (options.Verbose)
        {
            Say($"{file.Path}: passed ({expectations} expectations)");
        }
        return Verdict.Passed;
    }

    /// <summary>
    /// A target seen through a projection (a real kernel) is checked twice by its comparison:
    /// against the reference model (intended behaviour plus the known deviations expected of it,
    /// which says which deviations it showed), and against the file's own <c>-&gt;</c> expectations
    /// through the same projection. Expectations the kernel contradicts fail the file unless the
    /// kernel agrees with the intended behaviour where the file expects a known deviation (reported
    /// as "no longer shows"); lines the projection cannot check are listed.
    /// </summary>
    private Verdict ReportProjected(LoadedFile file, ITarget target, Execution execution, ReplayOptions options)
    {
        var scenario = file.Scenario!;
        var model = new ModelTarget().Execute(scenario);
        var judged = target.Comparison.AgainstModel(scenario, model, execution);
        var againstFile = target.Comparison.AgainstExpectations(scenario, execution);
        foreach (var mismatch in judged.Mismatches)
        {
            Say($"{mismatch} (no known deviation explains it)");
        }
        // The kernel's behaviour is fully explained by known deviations, just not by the ones the file
        // names (an intent file on a kernel that shows a deviation, or a deviation file on a kernel
        // that no longer shows it): reported, not a failure.
        var explained = judged.Mismatches.Count == 0 && (!judged.Shows.IsEmpty || !judged.NoLongerShows.IsEmpty);
        foreach (var mismatch in againstFile.Mismatches)
        {
            Say(explained
                ? $"{mismatch} (the file's expectation; explained by known deviations: shows {Show(judged.Shows)}, no longer shows {Show(judged.NoLongerShows)})"
                : $"{mismatch} (the file's expectation)");
        }
        var modelMismatches = ExpectationCheck.Mismatches(scenario, model);
        foreach (var mismatch in modelMismatches)
        {
            Say($"{mismatch} (the reference model does not reproduce the file: fix the file or the model)");
        }
        foreach (var step in judged.Unchecked)
        {
            Say($"{file.Path}:{step.Line}: not checked: {step.Reason}");
        }
        if (!judged.Shows.IsEmpty)
        {
            Say($"{file.Path}: shows known deviation {judged.Shows}");
        }
        if (!judged.NoLongerShows.IsEmpty)
        {
            Say($"{file.Path}: no longer shows {judged.NoLongerShows} (expected of {target.Name}: fixed?)");
        }
        if (judged.Mismatches.Count > 0 || modelMismatches.Count > 0 || (againstFile.Mismatches.Count > 0 && !explained))
        {
            return Verdict.Failed;
        }
        if (options.Verbose)
        {
            Say($"{file.Path}: passed ({judged.Checked} lines checked through the projection)");
        }
        return Verdict.Passed;
    }

    private static string Show(DeviationSet deviations) => deviations.IsEmpty ? "none" : deviations.ToString();

    /// <summary>
    /// Writes the observed values into the file; checks that the result reads back as meant. The
    /// mismatches are printed as "(blessed)" only once the file is written: a file that could not be
    /// written is reported, and the other files are still blessed.
    /// </summary>
    private Verdict Bless(LoadedFile file, Execution execution, bool addMissing, IReadOnlyList<Mismatch> mismatches)
    {
        var scenario = file.Scenario!;
        var updates = new List<ExpectationUpdate>();
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i];
            if (step.Step.Yields != StepYield.Nothing && step.Expected != execution.Outcomes[i])
            {
                updates.Add(new ExpectationUpdate(step.Line, execution.Outcomes[i]));
            }
        }
        var (text, changed) = ExpectationRewriter.Rewrite(file.Text, updates, addMissing);
        if (changed == 0)
        {
            mismatches.ToList().ForEach(m => Say(m.ToString()));
            return mismatches.Count == 0 ? Verdict.Passed : Verdict.Failed;
        }
        var reread = ScenarioParser.TryParse(text, file.Path, out var rereadError);
        if (reread is null || ExpectationCheck.Mismatches(reread, execution).Count > 0)
        {
            // A defect of the rewriter: never write a file that would not replay.
            mismatches.ToList().ForEach(m => Say(m.ToString()));
            Say($"{file.Path}: not blessed: the rewritten file would not replay ({rereadError?.Message ?? "expectations differ"})");
            return Verdict.Error;
        }
        var bytes = new UTF8Encoding(false).GetBytes(text);
        try
        {
            write(file.Path, file.HasBom ? [.. Utf8Bom, .. bytes] : bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            mismatches.ToList().ForEach(m => Say(m.ToString()));
            Say($"{file.Path}: not blessed: cannot write the file: {e.Message}");
            return Verdict.NotWritten;
        }
        mismatches.ToList().ForEach(m => Say($"{m} (blessed)"));
        Say($"{file.Path}: blessed ({changed} line{(changed == 1 ? "" : "s")} written)");
        return Verdict.Blessed;
    }
}
