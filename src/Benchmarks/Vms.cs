using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Benchmarks;

/// <summary>Fresh VMs of the model and of the emulator, brought to a state by applying steps.</summary>
internal static class Vms
{
    public static ISimulatedVm Model(Setup setup) => new ModelVm(setup, new RuleTrace());

    public static ISimulatedVm Emulator(Setup setup) => new EmulatorVm<CorrectPolicy>(setup);

    /// <summary>Applies the steps of a scenario text (set-up lines ignored) and checks each did what a valid set-up step does.</summary>
    public static ISimulatedVm Prepare(ISimulatedVm vm, string steps)
    {
        foreach (var step in ScenarioParser.Parse(steps, "<benchmark set-up>").Steps)
        {
            var outcome = vm.Apply(step.Step);
            if (outcome.Kind is OutcomeKind.Errno or OutcomeKind.Undef)
            {
                throw new InvalidOperationException($"benchmark set-up step '{ScenarioPrinter.StepText(step.Step)}' gave {outcome}");
            }
        }
        return vm;
    }
}
