namespace PmuConformance.Scenarios;

/// <summary>
/// The transcript of one scenario on one target: one outcome per executed step, in step order.
/// If the scenario turned out to make no sense at some step, execution stopped there and
/// <see cref="Error"/> says why (that step has no outcome).
/// </summary>
public sealed record Execution(IReadOnlyList<Outcome> Outcomes, ScenarioException? Error = null)
{
    /// <summary>The index of the first step whose result differs, or -1 when the two transcripts are equal.</summary>
    public int FirstDifference(Execution other)
    {
        var common = Math.Min(Outcomes.Count, other.Outcomes.Count);
        for (var i = 0; i < common; i++)
        {
            if (Outcomes[i] != other.Outcomes[i])
            {
                return i;
            }
        }
        if (Outcomes.Count != other.Outcomes.Count || (Error is null) != (other.Error is null))
        {
            return common;
        }
        return -1;
    }

    /// <summary>The outcome of a step, or a description of why there is none.</summary>
    public string Describe(int stepIndex) =>
        stepIndex < Outcomes.Count ? Outcomes[stepIndex].ToString()
        : Error is not null && stepIndex == Outcomes.Count ? "scenario error: " + Error.Reason
        : "not reached";
}
