using FsCheck;
using FsCheck.Fluent;
using PmuConformance.Checking.Choices;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Generation;

/// <summary>
/// The FsCheck face of <see cref="ScenarioGenerator"/>: FsCheck supplies the seed and the size (so
/// its replay seeds reproduce a case), the generator turns them into a valid scenario.
/// </summary>
public static class ScenarioGen
{
    public static Gen<Scenario> Scenarios(GeneratorOptions options) =>
        Gen.Sized(size =>
            Gen.Choose(int.MinValue, int.MaxValue).Two().Select(seed =>
                ScenarioGenerator.Generate(new RandomChoices(((ulong)(uint)seed.Item1 << 32) | (uint)seed.Item2), options, size)));

    /// <summary>Generated scenarios with a shrinker that keeps them valid.</summary>
    public static Arbitrary<Scenario> Arbitrary(GeneratorOptions options, Func<Scenario, IEnumerable<Scenario>> shrinker) =>
        Arb.From(Scenarios(options), shrinker);
}
