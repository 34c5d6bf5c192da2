using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Framework;

/// <summary>
/// A generated profile 7.2 scenario that the emulator runs: the argument type of the differential
/// properties. A type of its own (not <see cref="Scenario"/>) so that FsCheck picks the generator
/// with these options; its text is the <c>.pmu</c> file, which is what FsCheck prints for a failure.
/// </summary>
public sealed record EmulatorScenario(Scenario Scenario)
{
    public override string ToString() => Environment.NewLine + ScenarioPrinter.Print(Scenario);
}

/// <summary>A generated scenario of any profile and host: the argument type of the model's laws.</summary>
public sealed record AnyProfileScenario(Scenario Scenario)
{
    public override string ToString() => Environment.NewLine + ScenarioPrinter.Print(Scenario);
}
