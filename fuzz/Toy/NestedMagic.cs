namespace PmuConformance.Fuzz.Toy;

/// <summary>
/// The classic three-byte nested compare. Each byte is its own branch, so a coverage-guided
/// fuzzer climbs one byte at a time, while blind random inputs need about 2^24 tries.
/// </summary>
public static class NestedMagic
{
    public static void Check(ReadOnlySpan<byte> input)
    {
        if (input.Length >= 3 && input[0] == (byte)'P')
        {
            if (input[1] == (byte)'M')
            {
                if (input[2] == (byte)'U')
                {
                    throw new ToyBugException("nested magic 'PMU' reached");
                }
            }
        }
    }
}
