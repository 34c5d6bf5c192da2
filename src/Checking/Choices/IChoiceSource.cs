namespace PmuConformance.Checking.Choices;

/// <summary>
/// Where a generator's decisions come from. The generator only ever asks for "a number below n" (<see cref="NextBelow"/>);
/// a random source answers at random, a byte source (a fuzzer's input) answers from its bytes.
/// Keeping the generator behind this one question is what lets FsCheck and a fuzzer share it.
/// </summary>
public interface IChoiceSource
{
    /// <summary>A number in [0, <paramref name="bound"/>); <paramref name="bound"/> is at least 1.</summary>
    ulong NextBelow(ulong bound);
}
