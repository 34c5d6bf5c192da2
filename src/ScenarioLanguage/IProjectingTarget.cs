namespace PmuConformance.Scenarios;

/// <summary>A step whose value a projecting target could not check, and why.</summary>
public sealed record UncheckedStep(int StepIndex, int Line, string Reason);

/// <summary>The result of comparing a projecting target's execution with the reference model.</summary>
/// <param name="Checked">How many steps were compared (exactly or through the projection).</param>
public sealed record ProjectedComparison(IReadOnlyList<Mismatch> Mismatches, IReadOnlyList<UncheckedStep> Unchecked, int Checked)
{
    /// <summary>Known kernel deviations (behaviour.md section 13) the target showed in this scenario.</summary>
    public DeviationSet Shows { get; init; } = DeviationSet.None;

    /// <summary>Deviations expected of the target that the scenario exercised but the target no longer showed (maybe fixed).</summary>
    public DeviationSet NoLongerShows { get; init; } = DeviationSet.None;
}

/// <summary>
/// A target whose transcripts can only be compared through a documented projection: a real kernel
/// cannot show exact hardware-event counts, because its probe's own instructions count too.
/// Replay and check compare such a target with the reference model through <see cref="Compare"/>.
/// </summary>
public interface IProjectingTarget : ITarget
{
    /// <summary>
    /// Compares with the model, which runs the intended behaviour plus the known deviations the
    /// target is expected to show; <see cref="ProjectedComparison.Shows"/> and
    /// <see cref="ProjectedComparison.NoLongerShows"/> say which it did. Mismatches are
    /// disagreements no known deviation explains.
    /// </summary>
    ProjectedComparison Compare(Scenario scenario, Execution actual);

    /// <summary>Checks the scenario's own <c>-&gt;</c> expectations through the same projection.</summary>
    ProjectedComparison CompareWithExpectations(Scenario scenario, Execution actual);
}
