using PmuConformance.Checking.Coverage;
using PmuConformance.Checking.Generation;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Checks;

/// <summary>
/// Property (a): the target agrees with the model, as the target's own comparison judges it
/// (<see cref="ITarget.Comparison"/>: equal transcripts, or a kernel's projection). The model's
/// transcript is the specification; a scenario error on the model means the generator produced an
/// invalid scenario, which is a failure too (every generated scenario must be valid). A scenario
/// the target cannot run here is neither a pass nor a failure (<see cref="CheckOutcome.NotRunnable"/>).
/// </summary>
public sealed class DifferentialCheck(ITarget target, GeneratorOptions generator) : IScenarioCheck
{
    private readonly ModelTarget model = new();

    /// <summary>The scenarios the target asks for, else profile 7.2 set-ups it can run (the emulator's only profile).</summary>
    public DifferentialCheck(ITarget target)
        : this(target, GeneratorOptions.For(target))
    {
    }

    public ITarget Target => target;

    public string Name => "differential-" + target.Name.Replace(':', '-');

    public GeneratorOptions Generator => generator;

    /// <summary>The target's preferred batch: a kernel is handed a batch per boot.</summary>
    public int BatchSize => target.PreferredBatchSize;

    public CheckOutcome Check(Scenario scenario)
    {
        var (expected, rules) = model.ExecuteTraced(scenario);
        var labels = Labels.Of(scenario, expected, rules);
        if (expected.Error is not null)
        {
            return Invalid(expected, labels);
        }
        Execution actual;
        try
        {
            actual = target.Execute(scenario);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not TargetFailureException)
        {
            return new CheckOutcome(labels, new Disagreement(
                scenario.Steps.Count - 1, "no exception", $"{e.GetType().Name}: {e.Message}",
                $"{target.Name} threw while executing the scenario", Expectations(expected)));
        }
        return Judge(scenario, expected, actual, labels);
    }

    /// <summary>
    /// One <see cref="ITarget.ExecuteAll"/> for the scenarios the model finds valid. A
    /// <see cref="TargetFailureException"/> (the kernel did not boot) goes through to the command.
    /// </summary>
    public IReadOnlyList<CheckOutcome> CheckAll(IReadOnlyList<Scenario> scenarios)
    {
        var traced = scenarios.Select(model.ExecuteTraced).ToList();
        var valid = Enumerable.Range(0, scenarios.Count).Where(i => traced[i].Execution.Error is null).ToList();
        var executions = target.ExecuteAll(valid.Select(i => scenarios[i]).ToList());
        var outcomes = new List<CheckOutcome>(scenarios.Count);
        var ran = 0; // the executions are those of the valid scenarios, in order
        for (var i = 0; i < scenarios.Count; i++)
        {
            var (expected, rules) = traced[i];
            var labels = Labels.Of(scenarios[i], expected, rules);
            outcomes.Add(expected.Error is null ? Judge(scenarios[i], expected, executions[ran++], labels) : Invalid(expected, labels));
        }
        return outcomes;
    }

    /// <summary>
    /// The one judgement of a target's execution against the model's transcript, for the check and
    /// the fuzzer alike: not runnable here, or what the target's comparison found, its first
    /// mismatch being the disagreement.
    /// </summary>
    public CheckOutcome Judge(Scenario scenario, Execution expected, Execution actual, IReadOnlySet<string> labels)
    {
        if (actual.Status == ExecutionStatus.NotRunnable)
        {
            return CheckOutcome.NotRunnableHere(actual.NotRunnableReason!);
        }
        var comparison = target.Comparison.AgainstModel(scenario, expected, actual);
        if (comparison.Agrees)
        {
            return new CheckOutcome(labels) { Comparison = comparison };
        }
        var first = comparison.Mismatches[0];
        var explanation = target.Comparison.IsExact
            ? $"model and {target.Name} differ"
            : $"model and {target.Name} differ through the projection (no known deviation explains it)";
        return new CheckOutcome(labels, new Disagreement(first.StepIndex, first.Expected, first.Actual, explanation, Expectations(expected)))
        {
            Comparison = comparison,
        };
    }

    /// <summary>The model refused a generated scenario: the generator's failure.</summary>
    private static CheckOutcome Invalid(Execution expected, IReadOnlySet<string> labels) =>
        new(labels, new Disagreement(
            expected.Outcomes.Count, "a valid step", "scenario error: " + expected.Error!.Reason,
            "the generator produced an invalid scenario", Expectations(expected)));

    private static List<Outcome?> Expectations(Execution execution) => execution.Outcomes.Select(o => (Outcome?)o).ToList();
}
