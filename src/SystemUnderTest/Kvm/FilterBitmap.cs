using System.Runtime.CompilerServices;

namespace PmuConformance.SystemUnderTest;

/// <summary>
/// The VM-wide event filter (behaviour.md section 3) as a bitmap of 64-bit words, a set bit meaning
/// "allowed"; ranges are set or cleared a word at a time. Every bit starts as the default fixed by
/// the first filter (B1), so only the words up to the highest one a range has touched are stored:
/// any bit past them (up to the end of the filter space and beyond) reads as the default, exactly
/// as the kernel's untouched bits do. A filter on low event numbers thus costs a word or two, not
/// the 8 KiB of the whole 16-bit space.
/// </summary>
public sealed class FilterBitmap
{
    private ulong[] words = [];
    private readonly bool defaultAllowed;

    /// <summary>B1: the first successful call creates the bitmap with the opposite of its action.</summary>
    public FilterBitmap(bool firstActionIsAllow)
    {
        defaultAllowed = !firstActionIsAllow;
    }

    /// <summary>B2: set (allow) or clear (deny) the bits of [base, base + count); last writer wins.</summary>
    public void Apply(bool allow, uint baseEvent, uint count)
    {
        if (count == 0)
        {
            return;
        }
        var end = baseEvent + count; // exclusive; within the space (F4)
        var first = (int)(baseEvent >> 6);
        var last = (int)((end - 1) >> 6);
        if (last >= words.Length)
        {
            Grow(last + 1);
        }
        var firstMask = ulong.MaxValue << (int)(baseEvent & 63);
        var lastMask = ulong.MaxValue >> (63 - (int)((end - 1) & 63));
        if (first == last)
        {
            Update(first, firstMask & lastMask, allow);
            return;
        }
        Update(first, firstMask, allow);
        words.AsSpan(first + 1, last - first - 1).Fill(allow ? ulong.MaxValue : 0); // whole words
        Update(last, lastMask, allow);
    }

    private void Update(int word, ulong mask, bool allow) =>
        words[word] = allow ? words[word] | mask : words[word] & ~mask;

    /// <summary>B5: whether event <paramref name="e"/> is allowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Allows(uint e)
    {
        var w = e >> 6;
        return w < (uint)words.Length ? (words[w] >> (int)(e & 63) & 1) != 0 : defaultAllowed;
    }

    /// <summary>The 32 filter bits of events [first, first + 32), <paramref name="first"/> a multiple of 32 (P4).</summary>
    public uint Bits32(uint first)
    {
        var w = first >> 6;
        if (w >= (uint)words.Length)
        {
            return defaultAllowed ? uint.MaxValue : 0;
        }
        return (uint)(words[w] >> (int)(first & 63));
    }

    /// <summary>Stores more words, the new ones holding the default.</summary>
    private void Grow(int length)
    {
        var grown = new ulong[length];
        words.CopyTo(grown, 0);
        if (defaultAllowed)
        {
            grown.AsSpan(words.Length).Fill(ulong.MaxValue);
        }
        words = grown;
    }
}
