namespace PmuConformance.Scenarios;

/// <summary>A step whose value a projecting target could not check, and why.</summary>
public sealed record UncheckedStep(int StepIndex, int Line, string Reason);

/// <summary>The result of comparing a projecting target's execution with the reference model.</summary>
/// <param name="Checked">How many steps were compared (exactly or through the projection).</param>
public sealed record ProjectedComparison(IReadOnlyList<Mismatch> Mismatches, IReadOnlyList<UncheckedStep> Unchecked, int Checked);

/// <summary>
/// A target whose transcripts can only be compared through a documented projection: a real kernel
/// cannot show exact hardware-event counts, because its probe's own instructions count too.
/// Replay and check compare such a target with the reference model through <see cref="Compare"/>.
/// </summary>
public interface IProjectingTarget : ITarget
{
    ProjectedComparison Compare(Scenario scenario, Execution actual);
}
