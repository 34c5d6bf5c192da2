namespace PmuConformance.Scenarios;

/// <summary>
/// Anything that can execute scenarios: the reference model, the emulator and its defect variants,
/// a real kernel. Besides executing, a target says how its executions are judged
/// (<see cref="Comparison"/>) and whether it wants scenarios in batches (<see cref="PreferredBatchSize"/>).
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

    /// <summary>
    /// How many scenarios a caller that can choose (the check engine) should hand <see cref="ExecuteAll"/>
    /// at once: 1 for a target whose executions cost nothing to start, more for one that pays a
    /// start-up per batch (a kernel boot).
    /// </summary>
    int PreferredBatchSize => 1;

    /// <summary>How this target's executions are judged: exactly, unless the target says otherwise (a projection).</summary>
    ITargetComparison Comparison => ExactComparison.Instance;

    /// <summary>What each batch cost so far, for targets that pay a start-up per batch (a kernel: one entry per boot).</summary>
    IReadOnlyList<BatchStatistics> Batches => [];
}

/// <summary>
/// One batch of a target with a start-up cost: where it ran (a kernel: the host preset it booted),
/// how many scenarios, the whole time, the start-up, and the time the scenarios themselves took.
/// </summary>
public sealed record BatchStatistics(string Preset, int Scenarios, TimeSpan Elapsed, TimeSpan StartUp, TimeSpan ScenarioTime);

/// <summary>One freshly created VM of a step-by-step target, fed one valid step at a time.</summary>
public interface ISimulatedVm
{
    Outcome Apply(Step step);
}

/// <summary>
/// A simulated VM behind the shared step preconditions: the one place where "does this step make
/// sense now; apply it; remember what it changed" is written. The step-by-step targets, the
/// generator (which picks each step as it goes) and the kernel projection (which looks at the
/// model between the check and the step) all feed their VM through it, so a step is possible or
/// not in the same way everywhere.
/// </summary>
public sealed class GuardedVm(ISimulatedVm vm, Setup setup)
{
    public StepPreconditions Preconditions { get; } = new(setup);

    /// <summary>Null when the step can be applied now, else why it makes no sense.</summary>
    public string? WhyImpossible(Step step) => Preconditions.WhyImpossible(step);

    /// <summary>Applies a step <see cref="WhyImpossible"/> allowed, and records its effect on which steps make sense next.</summary>
    public Outcome Apply(Step step)
    {
        var outcome = vm.Apply(step);
        Preconditions.Observe(step, outcome);
        return outcome;
    }
}

/// <summary>
/// A target that simulates a VM step by step. It shares with every other such target the one
/// definition of which steps make sense when (<see cref="StepPreconditions"/>, through
/// <see cref="GuardedVm"/>), so a scenario error is the same error everywhere.
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
            return Execution.NotRunnable(scenario, $"target {Name} cannot run this scenario: {reason}");
        }
        var vm = new GuardedVm(createVm(scenario.Setup), scenario.Setup);
        var outcomes = new List<Outcome>(scenario.Steps.Count);
        foreach (var scenarioStep in scenario.Steps)
        {
            if (vm.WhyImpossible(scenarioStep.Step) is { } why)
            {
                return new Execution(outcomes, new ScenarioException(scenario.Source, scenarioStep.Line, why));
            }
            outcomes.Add(vm.Apply(scenarioStep.Step));
        }
        return new Execution(outcomes);
    }
}
