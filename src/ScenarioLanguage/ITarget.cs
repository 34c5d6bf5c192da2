namespace PmuConformance.Scenarios;

/// <summary>
/// Anything that can execute scenarios: the reference model, the emulator and its defect variants,
/// a real kernel. Two targets conform on a scenario when their executions are equal.
/// </summary>
public interface ITarget
{
    /// <summary>The name used on the command line (<c>model</c>, <c>emulator</c>, ...).</summary>
    string Name { get; }

    /// <summary>Null when this target can execute scenarios with this set-up, else the reason it cannot.</summary>
    string? WhyNotRunnable(Setup setup);

    /// <summary>
    /// Null when this target can execute this scenario, else the reason it cannot. Targets that
    /// cannot produce some steps (a real kernel cannot make every hardware event happen) refine it.
    /// </summary>
    string? WhyNotRunnable(Scenario scenario) => WhyNotRunnable(scenario.Setup);

    Execution Execute(Scenario scenario);

    /// <summary>Executes a batch; targets with a high start-up cost (a kernel boot) override this.</summary>
    IReadOnlyList<Execution> ExecuteAll(IReadOnlyList<Scenario> scenarios) => scenarios.Select(Execute).ToList();
}

/// <summary>One freshly created VM of a step-by-step target, fed one valid step at a time.</summary>
public interface ISimulatedVm
{
    Outcome Apply(Step step);
}

/// <summary>
/// A target that simulates a VM step by step. It shares with every other such target the one
/// definition of which steps make sense when (<see cref="StepPreconditions"/>), so a scenario
/// error is the same error everywhere.
/// </summary>
public abstract class SimulatingTarget : ITarget
{
    public abstract string Name { get; }

    public abstract string? WhyNotRunnable(Setup setup);

    protected abstract ISimulatedVm CreateVm(Setup setup);

    public Execution Execute(Scenario scenario) => Execute(scenario, CreateVm);

    /// <summary>Executes on a VM from <paramref name="createVm"/> (a target that also observes its VMs passes its own).</summary>
    protected Execution Execute(Scenario scenario, Func<Setup, ISimulatedVm> createVm)
    {
        if (WhyNotRunnable(scenario.Setup) is { } reason)
        {
            return new Execution([], new ScenarioException(scenario.Source, 0, $"target {Name} cannot run this scenario: {reason}"));
        }
        var vm = createVm(scenario.Setup);
        var preconditions = new StepPreconditions(scenario.Setup);
        var outcomes = new List<Outcome>(scenario.Steps.Count);
        foreach (var scenarioStep in scenario.Steps)
        {
            var step = scenarioStep.Step;
            if (preconditions.WhyImpossible(step) is { } why)
            {
                return new Execution(outcomes, new ScenarioException(scenario.Source, scenarioStep.Line, why));
            }
            var outcome = vm.Apply(step);
            preconditions.Observe(step, outcome);
            outcomes.Add(outcome);
        }
        return new Execution(outcomes);
    }
}
