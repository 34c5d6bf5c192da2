using PmuConformance.Checking.Choices;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Generation;

/// <summary>
/// Generated cases named by their number in a master seed's sequence: case k is the generator run
/// on choices seeded with seed + k, at the largest size. For targets that run scenarios in batches
/// (a kernel boots once per batch), which FsCheck's one case at a time does not suit: the kernel
/// oracle's generated campaigns and the check engine's batches draw the same cases from the same seed.
/// </summary>
public static class NumberedCases
{
    /// <summary>Every numbered case has the largest size: a batch is paid for, small scenarios would waste it.</summary>
    public const int Size = 100;

    public static Scenario Case(GeneratorOptions options, ulong seed, long number)
    {
        var caseSeed = seed + (ulong)number;
        return ScenarioGenerator.Generate(new RandomChoices(caseSeed), options, Size) with { Source = $"<generated seed {Numbers.Hex(caseSeed)}>" };
    }
}
