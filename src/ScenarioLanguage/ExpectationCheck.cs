namespace PmuConformance.Scenarios;

/// <summary>One <c>-&gt;</c> expectation that a target did not meet.</summary>
public sealed record Mismatch(string Source, int Line, int StepIndex, string Expected, string Actual)
{
    public override string ToString() => $"{Source}:{Line}: expected {Expected}, got {Actual}";
}

/// <summary>Compares a scenario's expectations with what a target produced.</summary>
public static class ExpectationCheck
{
    /// <summary>
    /// Every expectation the execution does not meet, in step order. A scenario error is not a
    /// mismatch: callers report <see cref="Execution.Error"/> separately.
    /// </summary>
    public static IReadOnlyList<Mismatch> Mismatches(Scenario scenario, Execution execution)
    {
        var mismatches = new List<Mismatch>();
        for (var i = 0; i < scenario.Steps.Count && i < execution.Outcomes.Count; i++)
        {
            var step = scenario.Steps[i];
            if (step.Expected is { } expected && expected != execution.Outcomes[i])
            {
                mismatches.Add(new Mismatch(scenario.Source, step.Line, i, expected.ToString(), execution.Outcomes[i].ToString()));
            }
        }
        return mismatches;
    }
}
