namespace PmuConformance.Fuzz.Engine.Mutation;

/// <summary>AFL's "interesting" values: boundaries where off-by-one and overflow bugs live.</summary>
internal static class InterestingValues
{
    public static readonly sbyte[] Int8 = [-128, -1, 0, 1, 16, 32, 64, 100, 127];

    public static readonly short[] Int16 =
        [-128, -1, 0, 1, 16, 32, 64, 100, 127, -32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767];

    public static readonly int[] Int32 =
    [
        -128, -1, 0, 1, 16, 32, 64, 100, 127, -32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767,
        int.MinValue, -100663046, -32769, 32768, 65535, 65536, 100663045, int.MaxValue,
    ];
}
