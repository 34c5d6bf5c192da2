using System.Numerics;

namespace PmuConformance.Fuzz.Engine.Mutation;

/// <summary>
/// xoshiro256** seeded through SplitMix64: fast, and fully determined by the seed, which is what
/// makes a run reproducible (System.Random's algorithm is not guaranteed across .NET versions).
/// </summary>
internal sealed class FuzzRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public FuzzRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, bound); bound must be positive.</summary>
    public int Below(int bound) => (int)((NextUInt64() >> 32) * (ulong)(uint)bound >> 32);

    /// <summary>Uniform in [low, high].</summary>
    public int Between(int low, int high) => low + Below(high - low + 1);

    public bool Chance(int oneIn) => Below(oneIn) == 0;

    public byte NextByte() => (byte)NextUInt64();

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
