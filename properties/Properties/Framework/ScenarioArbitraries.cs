using FsCheck;
using FsCheck.Fluent;
using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Generation;
using PmuConformance.Checking.Shrinking;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties.Framework;

/// <summary>
/// FsCheck's generators and shrinkers for scenarios: the project's own <see cref="ScenarioGenerator"/>
/// (through <see cref="ScenarioGen"/>, the one <c>pmuconf check</c> uses, so a replay seed means the
/// same scenario in both) and <see cref="ScenarioShrinker"/>. Registered once for the whole assembly
/// (<c>AssemblyProperties.cs</c>): a property is then just a method taking one of these types.
/// </summary>
public static class ScenarioArbitraries
{
    /// <summary>The differential check's options: 7.2 set-ups the emulator runs (as <c>pmuconf check</c>).</summary>
    public static GeneratorOptions EmulatorOptions { get; } = new DifferentialCheck(new EmulatorTarget()).Generator;

    public static Arbitrary<EmulatorScenario> EmulatorScenario() =>
        Of(EmulatorOptions, s => new EmulatorScenario(s), e => e.Scenario);

    public static Arbitrary<AnyProfileScenario> AnyProfileScenario() =>
        Of(GeneratorOptions.AllProfiles, s => new AnyProfileScenario(s), a => a.Scenario);

    private static Arbitrary<T> Of<T>(GeneratorOptions options, Func<Scenario, T> wrap, Func<T, Scenario> unwrap)
    {
        var shrinker = new ScenarioShrinker(new ScenarioValidity(options.Runnable));
        return Arb.From(ScenarioGen.Scenarios(options).Select(wrap), value => shrinker.Shrink(unwrap(value)).Select(wrap));
    }
}
