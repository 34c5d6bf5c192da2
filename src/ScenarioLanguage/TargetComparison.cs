namespace PmuConformance.Scenarios;

/// <summary>A step whose value a comparison could not check, and why.</summary>
public sealed record UncheckedStep(int StepIndex, int Line, string Reason);

/// <summary>What comparing one execution of a target found.</summary>
/// <param name="Mismatches">The disagreements, in step order.</param>
/// <param name="Unchecked">Steps the comparison could not check (a projection's blind spots).</param>
/// <param name="Checked">How many steps were compared (exactly or through the projection).</param>
public sealed record ComparisonResult(IReadOnlyList<Mismatch> Mismatches, IReadOnlyList<UncheckedStep> Unchecked, int Checked)
{
    /// <summary>Known kernel deviations (behaviour.md section 13) the target showed in this scenario.</summary>
    public DeviationSet Shows { get; init; } = DeviationSet.None;

    /// <summary>Deviations expected of the target that the scenario exercised but the target no longer showed (maybe fixed).</summary>
    public DeviationSet NoLongerShows { get; init; } = DeviationSet.None;

    public bool Agrees => Mismatches.Count == 0;
}

/// <summary>
/// How a target's executions are judged. Every command that judges a target (replay, check, the
/// fuzzer) asks the target's own comparison (<see cref="ITarget.Comparison"/>), so a target is
/// judged the same way wherever it runs.
/// </summary>
public interface ITargetComparison
{
    /// <summary>
    /// True when values are compared as they are: the target's transcripts may be written into
    /// a scenario's expectations (<c>replay --bless</c>). False for a projection.
    /// </summary>
    bool IsExact { get; }

    /// <summary>
    /// The target's execution against the reference model's. <paramref name="model"/> is the model's
    /// transcript of <paramref name="scenario"/>; a projection may run the model itself as well
    /// (with the known deviations the target is expected to show). A target's scenario error is a
    /// mismatch at the step where it stopped.
    /// </summary>
    ComparisonResult AgainstModel(Scenario scenario, Execution model, Execution actual);

    /// <summary>The target's execution (the steps it reached) against the scenario's own <c>-&gt;</c> expectations.</summary>
    ComparisonResult AgainstExpectations(Scenario scenario, Execution actual);
}

/// <summary>Transcripts compared value for value: the model, the emulator and its variants.</summary>
public sealed class ExactComparison : ITargetComparison
{
    public static readonly ExactComparison Instance = new();

    private ExactComparison()
    {
    }

    public bool IsExact => true;

    /// <summary>
    /// Only the first difference: after it the two transcripts come from different states, so
    /// later differences say nothing new.
    /// </summary>
    public ComparisonResult AgainstModel(Scenario scenario, Execution model, Execution actual)
    {
        var first = model.FirstDifference(actual);
        var compared = Math.Min(model.Outcomes.Count, actual.Outcomes.Count);
        if (first < 0)
        {
            return new ComparisonResult([], [], compared);
        }
        var line = first < scenario.Steps.Count ? scenario.Steps[first].Line : 0;
        return new ComparisonResult([new Mismatch(scenario.Source, line, first, model.Describe(first), actual.Describe(first))], [], compared);
    }

    public ComparisonResult AgainstExpectations(Scenario scenario, Execution actual) =>
        new(ExpectationCheck.Mismatches(scenario, actual), [],
            scenario.Steps.Take(actual.Outcomes.Count).Count(s => s.Expected is not null));
}
