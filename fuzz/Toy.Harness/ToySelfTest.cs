using PmuConformance.Fuzz.Engine;

namespace PmuConformance.Fuzz.Toy.Harness;

/// <summary>
/// Checks the fuzzing infrastructure end to end on the toy within a fixed execution budget and
/// seed, for a unit test. The calling project must instrument the toy in its output folder
/// (import fuzz/Instrument.targets with FuzzInstrumentAssembly PmuConformance.Fuzz.Toy.dll);
/// otherwise the engine throws, saying so.
/// </summary>
public static class ToySelfTest
{
    /// <summary>
    /// Fuzzes <paramref name="target"/> (default: the nested magic) until the first finding or
    /// the budget; returns the summary (assert on <see cref="FuzzSummary.Findings"/>). Deterministic:
    /// the same seed finds the bug at the same execution count.
    /// </summary>
    public static FuzzSummary FindBug(
        string outputDirectory, long maxExecutions = 2_000_000, ulong seed = 1, FuzzTargetDefinition? target = null)
    {
        var options = new FuzzOptions
        {
            OutputDirectory = outputDirectory,
            Seed = seed,
            MaxExecutions = maxExecutions,
            StopOnFirstFinding = true,
        };
        return InProcessFuzzer.Run(target ?? ToyTargets.NestedMagic, options);
    }
}
