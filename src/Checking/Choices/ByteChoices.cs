namespace PmuConformance.Checking.Choices;

/// <summary>
/// Choices decoded from a byte string (a fuzzer's input). Each choice takes as many bytes as its
/// bound needs; once the bytes run out every choice is 0, which the generator reads as "the
/// simplest option" (it stops adding steps), so any input decodes to a finite, valid scenario.
/// </summary>
public sealed class ByteChoices(ReadOnlyMemory<byte> bytes) : IChoiceSource
{
    private int position;

    public bool Exhausted => position >= bytes.Length;

    public ulong NextBelow(ulong bound)
    {
        if (bound <= 1)
        {
            return 0;
        }
        ulong value = 0;
        for (var range = bound - 1; range != 0; range >>= 8)
        {
            var next = position < bytes.Length ? bytes.Span[position] : (byte)0;
            position++;
            value = (value << 8) | next;
        }
        return value % bound;
    }
}
