using System.Buffers.Binary;

namespace PmuConformance.Fuzz.Toy;

/// <summary>
/// A 32-bit compare in one branch: coverage gives no partial credit, only a dictionary entry
/// (the constant, in the instrumenter's dictionary) gets a fuzzer through.
/// </summary>
public static class WideMagic
{
    public const uint Magic = 0xAA01_7E5C;

    public static void Check(ReadOnlySpan<byte> input)
    {
        if (input.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(input) == Magic)
        {
            throw new ToyBugException("32-bit magic reached");
        }
    }
}
