using PmuConformance.Checking.Checks;
using PmuConformance.Properties.Framework;
using PmuConformance.SystemUnderTest;
using Xunit.Abstractions;

namespace PmuConformance.Properties;

/// <summary>
/// Property (a): the model and the emulator agree on every generated 7.2 scenario. The same run
/// is the coverage gate: every rule id of behaviour.md and every key edge class must be exercised.
/// </summary>
public sealed class DifferentialProperties(ITestOutputHelper output) : ScenarioProperties(output)
{
    private static readonly DifferentialCheck Emulator = new(new EmulatorTarget());

    [ScenarioProperty(Share = 0.4)]
    public void Model_and_emulator_transcripts_are_equal(EmulatorScenario scenario) => Holds(Emulator, scenario.Scenario);

    protected override void AfterPassingRun()
    {
        Output.WriteLine(Coverage.Format());
        Coverage.MissingRules.ShouldBeEmpty("rule ids never exercised");
        Coverage.MissingClasses.ShouldBeEmpty("edge classes never exercised");
    }
}
