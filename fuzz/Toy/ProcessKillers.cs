namespace PmuConformance.Fuzz.Toy;

/// <summary>
/// Inputs that take the whole process down, the failures an in-process catch cannot survive:
/// "SO" starts an unbounded recursion (StackOverflow) and "HANG" spins forever.
/// </summary>
public static class ProcessKillers
{
    public static void Check(ReadOnlySpan<byte> input)
    {
        if (input.Length >= 2 && input[0] == (byte)'S' && input[1] == (byte)'O')
        {
            Recurse(input.Length);
        }

        if (input.Length >= 4 && input[0] == (byte)'H' && input[1] == (byte)'A' && input[2] == (byte)'N' && input[3] == (byte)'G')
        {
            Spin();
        }
    }

    private static int Recurse(int depth) => depth == int.MinValue ? 0 : Recurse(depth + 1) + 1;

    private static void Spin()
    {
        long turns = 0;
        while (turns >= 0)
        {
            turns = (turns + 1) & 0x3FFF_FFFF_FFFF_FFFF;
        }
    }
}
