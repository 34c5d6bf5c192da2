using PmuConformance.Scenarios;

namespace PmuConformance.ReferenceModel;

/// <summary>The reference model as a target: the executable specification of behaviour.md.</summary>
public sealed class ModelTarget : SimulatingTarget
{
    public const string TargetName = "model";

    public override string Name => TargetName;

    /// <summary>Every profile, host and VM the language can express has a defined result.</summary>
    public override string? WhyNotRunnable(Setup setup) => null;

    protected override ISimulatedVm CreateVm(Setup setup) => new ModelVm(setup, new RuleTrace());

    /// <summary>Executes a scenario and reports which rules of behaviour.md decided something.</summary>
    public (Execution Execution, IReadOnlySet<string> Rules) ExecuteTraced(Scenario scenario)
    {
        var trace = new RuleTrace();
        return (Execute(scenario, setup => new ModelVm(setup, trace)), trace.Cited);
    }
}
