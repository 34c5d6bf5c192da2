using PmuConformance.Scenarios;

namespace PmuConformance.SystemUnderTest;

/// <summary>
/// The emulator with a given policy as a target. The variants (<c>emulator:&lt;defect&gt;</c>) are
/// instances with another policy; the emulator proper is <see cref="EmulatorTarget"/>.
/// </summary>
/// <remarks>
/// It executes scenarios exactly as <see cref="SimulatingTarget"/> does (same refusal, same
/// <see cref="StepPreconditions"/>, same transcript), in a loop without the per-step interface
/// enumeration and list growth, because that shared overhead is a large part of replaying a short
/// scenario on the emulator. <see cref="CreateVm"/> gives the VM itself for step-by-step use.
/// </remarks>
public class EmulatorTarget<TPolicy>(string name) : ITarget
    where TPolicy : struct, IEmulatorPolicy
{
    public string Name => name;

    /// <summary>Profile 7.2 only (behaviour.md section 10): the emulator does not carry the older kernels' rules.</summary>
    public string? WhyNotRunnable(Setup setup) => EmulatorProfiles.WhyNotRunnable(setup);

    public static EmulatorVm<TPolicy> CreateVm(Setup setup) => new(setup);

    public Execution Execute(Scenario scenario)
    {
        if (WhyNotRunnable(scenario.Setup) is { } reason)
        {
            return Execution.NotRunnable(scenario, $"target {Name} cannot run this scenario: {reason}");
        }
        var vm = CreateVm(scenario.Setup);
        var preconditions = new StepPreconditions(scenario.Setup);
        var steps = scenario.Steps;
        var outcomes = new Outcome[steps.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var scenarioStep = steps[i];
            var step = scenarioStep.Step;
            if (preconditions.WhyImpossible(step) is { } why)
            {
                return new Execution(outcomes[..i], new ScenarioException(scenario.Source, scenarioStep.Line, why));
            }
            var outcome = vm.Apply(step);
            preconditions.Observe(step, outcome);
            outcomes[i] = outcome;
        }
        return new Execution(outcomes);
    }
}

/// <summary>The optimised emulator (issue 3): partitioned PMU, filter compiled into hardware event types.</summary>
public sealed class EmulatorTarget() : EmulatorTarget<CorrectPolicy>(TargetName)
{
    public const string TargetName = "emulator";
}
