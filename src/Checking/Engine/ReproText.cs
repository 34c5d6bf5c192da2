using PmuConformance.Checking.Checks;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Engine;

/// <summary>
/// The repro file of a failing case: the scenario with the model's values as expectations, comments
/// naming the first differing line and how to replay it. Shared by the property engine
/// (<c>pmuconf check</c>) and the FsCheck.Xunit properties, so both print the same file.
/// </summary>
public static class ReproText
{
    /// <summary>The repro of <paramref name="checkedScenario"/>, which failed with <paramref name="disagreement"/>.</summary>
    /// <param name="finder">Who found it, for the first comment ("the property engine", "FsCheck.Xunit").</param>
    /// <param name="replay">The replay comment line, without the leading <c>Replay: </c>.</param>
    public static Repro Build(string checkName, string finder, Scenario checkedScenario, Disagreement disagreement, string replay)
    {
        var shown = disagreement.Shown ?? checkedScenario;
        var comments = new List<string>
        {
            $"Counterexample found by {finder} ({checkName}).",
            "", // the line of the first difference, filled in below (it does not change the line count)
            "Expectations are the reference model's values: this file passes on the model.",
            $"Replay: {replay}",
        };
        comments.AddRange(disagreement.Notes);
        var line = ScenarioPrinter.StepLine(shown with { Comments = comments }, disagreement.StepIndex);
        comments[1] = $"{disagreement.Explanation}: first difference at line {line}: expected {disagreement.Expected}, got {disagreement.Actual}";
        var text = ScenarioPrinter.Print(shown with { Comments = comments }, disagreement.Expectations);
        return new Repro(shown, text, line);
    }
}

/// <summary>A repro file's text, the scenario it shows and its first differing line.</summary>
public sealed record Repro(Scenario Shown, string Text, int FirstDifferenceLine);
