using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>
/// How a kernel is judged (<see cref="KernelTarget.Comparison"/>): through the projection, since
/// the probe's own instructions count too, against the model with the known deviations the kernel
/// is expected to show, and with the host log's verdict (H1).
/// </summary>
public sealed class ProjectionComparison(KernelTarget kernel) : ITargetComparison
{
    public bool IsExact => false;

    /// <summary>
    /// <see cref="KernelTarget.Compare"/>; an execution the kernel did not complete (the probe gave
    /// no result for a step) is a mismatch where it stopped, since the projection only judges the
    /// steps the kernel reached.
    /// </summary>
    public ComparisonResult AgainstModel(Scenario scenario, Execution model, Execution actual)
    {
        var comparison = kernel.Compare(scenario, actual);
        if (actual.Error is null)
        {
            return comparison;
        }
        var stopped = actual.Outcomes.Count;
        var line = stopped < scenario.Steps.Count ? scenario.Steps[stopped].Line : 0;
        var incomplete = new Mismatch(scenario.Source, line, stopped, model.Describe(stopped), $"{actual.Describe(stopped)} on {kernel.Name}");
        return comparison with { Mismatches = [.. comparison.Mismatches.Append(incomplete).OrderBy(m => m.StepIndex)] };
    }

    public ComparisonResult AgainstExpectations(Scenario scenario, Execution actual) => kernel.CompareWithExpectations(scenario, actual);
}
