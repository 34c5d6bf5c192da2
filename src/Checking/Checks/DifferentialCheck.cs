using PmuConformance.Checking.Coverage;
using PmuConformance.Checking.Generation;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Checks;

/// <summary>
/// Property (a): the model and the target produce equal transcripts. The model's transcript is the
/// specification; a scenario error on the model means the generator produced an invalid scenario,
/// which is a failure too (every generated scenario must be valid).
/// </summary>
public sealed class DifferentialCheck(ITarget target, GeneratorOptions generator) : IScenarioCheck
{
    private readonly ModelTarget model = new();

    /// <summary>Profile 7.2 set-ups that the target can run (the emulator's only profile).</summary>
    public DifferentialCheck(ITarget target)
        : this(target, GeneratorOptions.For(target, KernelProfile.V7_2))
    {
    }

    public ITarget Target => target;

    public string Name => "differential-" + target.Name.Replace(':', '-');

    public GeneratorOptions Generator => generator;

    public CheckOutcome Check(Scenario scenario)
    {
        var (expected, rules) = model.ExecuteTraced(scenario);
        var labels = Labels.Of(scenario, expected, rules);
        var expectations = expected.Outcomes.Select(o => (Outcome?)o).ToList();
        if (expected.Error is { } invalid)
        {
            return new CheckOutcome(labels, new Disagreement(
                expected.Outcomes.Count, "a valid step", "scenario error: " + invalid.Reason,
                "the generator produced an invalid scenario", expectations));
        }
        Execution actual;
        try
        {
            actual = target.Execute(scenario);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new CheckOutcome(labels, new Disagreement(
                scenario.Steps.Count - 1, "no exception", $"{e.GetType().Name}: {e.Message}",
                $"{target.Name} threw while executing the scenario", expectations));
        }
        var first = expected.FirstDifference(actual);
        if (first < 0)
        {
            return new CheckOutcome(labels);
        }
        return new CheckOutcome(labels, new Disagreement(
            first, expected.Describe(first), actual.Describe(first),
            $"model and {target.Name} differ", expectations));
    }
}
