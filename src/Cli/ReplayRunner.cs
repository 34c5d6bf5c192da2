using System.Text;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary>What <c>pmuconf replay</c> was asked to do.</summary>
/// <param name="Bless">Write observed values into existing <c>-&gt; X</c> and <c>-&gt; ?</c> expectations.</param>
/// <param name="BlessAll">Like <paramref name="Bless"/>, and also add <c>-&gt; X</c> to every step that yields something.</param>
/// <param name="Verbose">Also list every passing file.</param>
public sealed record ReplayOptions(
    IReadOnlyList<string> Paths,
    string Target = "model",
    bool Bless = false,
    bool BlessAll = false,
    bool Verbose = false);

/// <summary>
/// Runs scenario files on one target and reports, per file, every unmet expectation
/// (<c>file:line: expected X, got Y</c>), scenario errors and skipped files, then one summary line.
/// Results go to the output writer; usage errors to the error writer.
/// </summary>
public sealed class ReplayRunner(TextWriter output, TextWriter error)
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
    }

    public int Run(ReplayOptions options)
    {
        var target = Targets.Resolve(options.Target, out var unknownTarget);
        if (target is null)
        {
            return UsageError(unknownTarget!);
        }
        if ((options.Bless || options.BlessAll) && target is IProjectingTarget)
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
        var executions = ExecuteAll(target, runnable);

        for (var i = 0; i < loaded.Count; i++)
        {
            var file = loaded[i];
            if (file.Error is not null)
            {
                output.WriteLine(file.Error);
                verdicts[i] = Verdict.Error;
            }
            else if (verdicts[i] == Verdict.Skipped)
            {
                output.WriteLine($"{file.Path}: skipped by target {target.Name}: {reasons[i]}");
            }
            else
            {
                verdicts[i] = Report(file, executions[file], target, options);
            }
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
        if (Count(Verdict.Skipped) > 0)
        {
            summary += $", {Count(Verdict.Skipped)} skipped";
        }
        output.WriteLine(summary);
        return Count(Verdict.Error) > 0 ? ExitCodes.Error
            : Count(Verdict.Failed) > 0 ? ExitCodes.Mismatch
            : ExitCodes.Ok;
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
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // fall through to one scenario at a time
        }
        foreach (var file in files)
        {
            try
            {
                results[file] = new RunResult(target.Execute(file.Scenario!));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                results[file] = new RunResult(null, $"{e.GetType().Name}: {e.Message}");
            }
        }
        return results;
    }

    private Verdict Report(LoadedFile file, RunResult result, ITarget target, ReplayOptions options)
    {
        var scenario = file.Scenario!;
        if (result.Execution is not { } execution)
        {
            output.WriteLine($"{file.Path}: target {target.Name} crashed: {result.Crash}");
            return Verdict.Failed;
        }
        if (target is IProjectingTarget projecting && execution.Error is null)
        {
            return ReportProjected(file, projecting, execution, options);
        }
        var mismatches = ExpectationCheck.Mismatches(scenario, execution);
        var blessing = (options.Bless || options.BlessAll) && execution.Error is null;
        foreach (var mismatch in mismatches)
        {
            output.WriteLine(blessing ? $"{mismatch} (blessed)" : mismatch.ToString());
        }
        if (execution.Error is not null)
        {
            output.WriteLine(execution.Error.Message);
            return Verdict.Error;
        }
        if (execution.Outcomes.Count != scenario.Steps.Count)
        {
            output.WriteLine($"{file.Path}: target {target.Name} gave {execution.Outcomes.Count} results for {scenario.Steps.Count} steps");
            return Verdict.Failed;
        }
        if (blessing)
        {
            return Bless(file, execution, options.BlessAll, mismatches.Count);
        }
        if (mismatches.Count > 0)
        {
            return Verdict.Failed;
        }
        if (options.Verbose)
        {
            output.WriteLine($"{file.Path}: passed ({scenario.Steps.Count(s => s.Expected is not null)} expectations)");
        }
        return Verdict.Passed;
    }

    /// <summary>
    /// A target seen through a projection (a real kernel) is checked twice: against the reference
    /// model (intended behaviour plus the known deviations expected of it, which says which
    /// deviations it showed), and against the file's own <c>-&gt;</c> expectations through the same
    /// projection. Expectations the kernel contradicts fail the file unless the kernel agrees with
    /// the intended behaviour where the file expects a known deviation (reported as "no longer shows");
    /// lines the projection cannot check are listed.
    /// </summary>
    private Verdict ReportProjected(LoadedFile file, IProjectingTarget target, Execution execution, ReplayOptions options)
    {
        var scenario = file.Scenario!;
        var judged = target.Compare(scenario, execution);
        var againstFile = target.CompareWithExpectations(scenario, execution);
        foreach (var mismatch in judged.Mismatches)
        {
            output.WriteLine($"{mismatch} (no known deviation explains it)");
        }
        // The kernel's behaviour is fully explained by known deviations, just not by the ones the file
        // names (an intent file on a kernel that shows a deviation, or a deviation file on a kernel
        // that no longer shows it): reported, not a failure.
        var explained = judged.Mismatches.Count == 0 && (!judged.Shows.IsEmpty || !judged.NoLongerShows.IsEmpty);
        foreach (var mismatch in againstFile.Mismatches)
        {
            output.WriteLine(explained
                ? $"{mismatch} (the file's expectation; explained by known deviations: shows {Show(judged.Shows)}, no longer shows {Show(judged.NoLongerShows)})"
                : $"{mismatch} (the file's expectation)");
        }
        var modelMismatches = ExpectationCheck.Mismatches(scenario, new ModelTarget().Execute(scenario));
        foreach (var mismatch in modelMismatches)
        {
            output.WriteLine($"{mismatch} (the reference model does not reproduce the file: fix the file or the model)");
        }
        foreach (var step in judged.Unchecked)
        {
            output.WriteLine($"{file.Path}:{step.Line}: not checked: {step.Reason}");
        }
        if (!judged.Shows.IsEmpty)
        {
            output.WriteLine($"{file.Path}: shows known deviation {judged.Shows}");
        }
        if (!judged.NoLongerShows.IsEmpty)
        {
            output.WriteLine($"{file.Path}: no longer shows {judged.NoLongerShows} (expected of {target.Name}: fixed?)");
        }
        if (judged.Mismatches.Count > 0 || modelMismatches.Count > 0 || (againstFile.Mismatches.Count > 0 && !explained))
        {
            return Verdict.Failed;
        }
        if (options.Verbose)
        {
            output.WriteLine($"{file.Path}: passed ({judged.Checked} lines checked through the projection)");
        }
        return Verdict.Passed;
    }

    private static string Show(DeviationSet deviations) => deviations.IsEmpty ? "none" : deviations.ToString();

    /// <summary>Writes the observed values into the file; checks that the result reads back as meant.</summary>
    private Verdict Bless(LoadedFile file, Execution execution, bool addMissing, int mismatches)
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
            return mismatches == 0 ? Verdict.Passed : Verdict.Failed;
        }
        var reread = ScenarioParser.TryParse(text, file.Path, out var rereadError);
        if (reread is null || ExpectationCheck.Mismatches(reread, execution).Count > 0)
        {
            // A defect of the rewriter: never write a file that would not replay.
            output.WriteLine($"{file.Path}: not blessed: the rewritten file would not replay ({rereadError?.Message ?? "expectations differ"})");
            return Verdict.Error;
        }
        var bytes = new UTF8Encoding(false).GetBytes(text);
        File.WriteAllBytes(file.Path, file.HasBom ? [.. Utf8Bom, .. bytes] : bytes);
        output.WriteLine($"{file.Path}: blessed ({changed} line{(changed == 1 ? "" : "s")} written)");
        return Verdict.Blessed;
    }
}
