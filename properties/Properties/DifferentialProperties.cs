using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Engine;
using PmuConformance.SystemUnderTest;
using Xunit.Abstractions;

namespace PmuConformance.Properties;

/// <summary>
/// Property (a): the model and the emulator agree on every generated 7.2 scenario. The same run
/// is the coverage gate: every rule id of behaviour.md and every key edge class must be exercised.
/// </summary>
public sealed class DifferentialProperties(ITestOutputHelper output)
{
    [Fact]
    public void Model_and_emulator_transcripts_are_equal()
    {
        var settings = PropertyBudget.For(0.4) with { Progress = p => output.WriteLine(p.ToString()) };
        var result = PropertyEngine.Run(new DifferentialCheck(new EmulatorTarget()), settings);

        output.WriteLine(result.Summary());
        output.WriteLine(result.Coverage.Format());
        result.Counterexample.ShouldBeNull(result.Counterexample?.Report());
        result.Coverage.MissingRules.ShouldBeEmpty("rule ids never exercised");
        result.Coverage.MissingClasses.ShouldBeEmpty("edge classes never exercised");
    }
}
