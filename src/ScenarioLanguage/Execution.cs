namespace PmuConformance.Scenarios;

/// <summary>How far a target got with a scenario.</summary>
public enum ExecutionStatus
{
    /// <summary>Every step ran and has its outcome.</summary>
    Completed,

    /// <summary>The scenario made no sense at some step (or the target failed on it): execution stopped there.</summary>
    ScenarioError,

    /// <summary>
    /// The target cannot run this scenario here at all (a kernel under QEMU cannot make every
    /// event happen, or lacks the CPU model): nothing about the target was learnt, so it is
    /// neither a pass nor a failure.
    /// </summary>
    NotRunnable,
}

/// <summary>
/// The transcript of one scenario on one target: one outcome per executed step, in step order.
/// If the scenario turned out to make no sense at some step, execution stopped there and
/// <see cref="Error"/> says why (that step has no outcome).
/// </summary>
public sealed record Execution(IReadOnlyList<Outcome> Outcomes, ScenarioException? Error = null)
{
    /// <summary>Why the target could not run the scenario here, when it could not (<see cref="ExecutionStatus.NotRunnable"/>).</summary>
    public string? NotRunnableReason { get; private init; }

    public ExecutionStatus Status =>
        Error is null ? ExecutionStatus.Completed
        : NotRunnableReason is not null ? ExecutionStatus.NotRunnable
        : ExecutionStatus.ScenarioError;

    /// <summary>
    /// A scenario the target cannot run here. It keeps an <see cref="Error"/> (<c>not runnable here: reason</c>),
    /// so that code asking only "did it complete?" never takes it for a run without outcomes.
    /// </summary>
    public static Execution NotRunnable(Scenario scenario, string reason) =>
        new([], new ScenarioException(scenario.Source, 0, "not runnable here: " + reason)) { NotRunnableReason = reason };

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
