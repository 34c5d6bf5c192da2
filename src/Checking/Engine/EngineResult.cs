using System.Globalization;
using System.Text;
using PmuConformance.Checking.Coverage;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Engine;

/// <summary>What one engine run found: the facts a defect report needs.</summary>
public sealed record EngineResult(
    string Check,
    long Cases,
    long Steps,
    TimeSpan Elapsed,
    ulong Seed,
    CoverageTable Coverage,
    Counterexample? Counterexample)
{
    public bool Passed => Counterexample is null;

    /// <summary>The replay token the run was given (it replayed that one case, not cases of <see cref="Seed"/>).</summary>
    public ReplayToken? Replayed { get; init; }

    /// <summary>The run was stopped by a signal before its budget was spent.</summary>
    public bool Interrupted { get; init; }

    /// <summary>What the target's comparison found over the cases (not runnable here, steps checked, deviations shown).</summary>
    public ComparisonTally Tally { get; init; } = new();

    public double CasesPerSecond => Elapsed.TotalSeconds > 0 ? Cases / Elapsed.TotalSeconds : 0;

    public double StepsPerCase => Cases > 0 ? (double)Steps / Cases : 0;

    public string Summary()
    {
        var verdict = Passed
            ? (Interrupted ? "interrupted, no failure so far" : "no failure")
            : FormattableString.Invariant($"FAILED after {Counterexample!.CasesToFirstFailure} cases ({Counterexample.TimeToFirstFailure.TotalSeconds:0.00} s), shrunk to {Counterexample.ShrunkSteps} steps");
        // A replayed case comes from its token, not from the master seed: print what was run.
        var source = Replayed is { } token ? $"replay seed {token}" : $"seed {Numbers.Hex(Seed)}";
        return FormattableString.Invariant(
            $"{Check}: {Cases} cases ({StepsPerCase:0.0} steps each) in {Elapsed.TotalSeconds:0.0} s = {CasesPerSecond:0} cases/s, {source}: {verdict}");
    }
}

/// <summary>
/// A failing case, shrunk. <see cref="Text"/> is the repro as a <c>.pmu</c> file whose expectations
/// are the model's values, so it passes on the model and fails on the target.
/// </summary>
public sealed record Counterexample(
    Scenario Original,
    Scenario Shrunk,
    string Text,
    int FirstDifferenceLine,
    string Expected,
    string Actual,
    string Explanation,
    ReplayToken? Replay,
    long CasesToFirstFailure,
    TimeSpan TimeToFirstFailure,
    int ShrinkSteps)
{
    public int ShrunkSteps => Shrunk.Steps.Count;

    public string? FindingsPath { get; init; }

    /// <summary>Why the repro file could not be written (full disk, no permission); the report still has it all.</summary>
    public string? FindingsError { get; init; }

    /// <summary>The command that replays exactly this case (target included).</summary>
    public string ReplayCommand { get; init; } = "";

    public string Report()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Explanation}: first difference at line {FirstDifferenceLine}: expected {Expected}, got {Actual}");
        text.AppendLine(CultureInfo.InvariantCulture, $"replay seed: {Replay?.ToString() ?? "(none)"}   found after {CasesToFirstFailure} cases, {TimeToFirstFailure.TotalSeconds:0.00} s; {Original.Steps.Count} steps shrunk to {ShrunkSteps} in {ShrinkSteps} shrinks");
        if (ReplayCommand.Length > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"replay: {ReplayCommand}");
        }
        if (FindingsPath is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"written to {FindingsPath}");
        }
        if (FindingsError is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"NOT written: {FindingsError} (the scenario below is the repro)");
        }
        text.AppendLine("---- minimal scenario ----");
        text.Append(Text);
        return text.ToString();
    }
}
