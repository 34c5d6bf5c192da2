namespace PmuConformance.Checking.Choices;

/// <summary>Random choices from a SplitMix64 stream: the same seed gives the same scenario.</summary>
public sealed class RandomChoices(ulong seed) : IChoiceSource
{
    private ulong state = seed;

    public ulong NextBelow(ulong bound)
    {
        if (bound <= 1)
        {
            return 0;
        }
        // The bias of a plain modulo is below 2^-32 for every bound the generator uses.
        return Next() % bound;
    }

    private ulong Next()
    {
        state += 0x9E3779B97F4A7C15;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
