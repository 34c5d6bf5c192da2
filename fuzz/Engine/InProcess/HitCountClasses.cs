namespace PmuConformance.Fuzz.Engine.InProcess;

/// <summary>
/// AFL's hit-count buckets (1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+), each a distinct bit, so a
/// loop running a different number of times counts as new behaviour without every count being new.
/// </summary>
internal static class HitCountClasses
{
    /// <summary>Bucket bits of two adjacent counter bytes at once (index = the two bytes as a ushort).</summary>
    public static readonly ushort[] Pairs = BuildPairs();

    public static byte Of(byte count) => count switch
    {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 4,
        <= 7 => 8,
        <= 15 => 16,
        <= 31 => 32,
        <= 127 => 64,
        _ => 128,
    };

    /// <summary>Replaces each of the eight counters in <paramref name="word"/> by its bucket bit.</summary>
    public static ulong Classify(ulong word) =>
        Pairs[(ushort)word]
        | ((ulong)Pairs[(ushort)(word >> 16)] << 16)
        | ((ulong)Pairs[(ushort)(word >> 32)] << 32)
        | ((ulong)Pairs[(ushort)(word >> 48)] << 48);

    private static ushort[] BuildPairs()
    {
        var pairs = new ushort[65536];
        for (int i = 0; i < pairs.Length; i++)
        {
            pairs[i] = (ushort)(Of((byte)i) | (Of((byte)(i >> 8)) << 8));
        }

        return pairs;
    }
}
