using PmuConformance.Checking.Choices;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Generation;

/// <summary>
/// The numbers where the specification has edges (the list): event numbers around the
/// named events, the 10-bit and 16-bit space ends, the 0x4000 range of PMCEID, 64-bit words of
/// the bitmap; counter values around 2^32 and 2^64. Generators draw from these most of the time
/// and the shrinker moves numbers toward them.
/// </summary>
public static class EdgeValues
{
    /// <summary>Event numbers that decide something: SW_INCR, CPU_CYCLES, CHAIN, the hidden STALL_SLOT events, the space ends.</summary>
    public static readonly ushort[] Events =
    [
        0x00, 0x01, 0x08, 0x10, 0x11, 0x12, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x23, 0x24, 0x3C, 0x3D, 0x3E, 0x3F,
        0x40, 0x3FF, 0x400, 0x401, 0x4000, 0x4001, 0x4011, 0x401E, 0x401F, 0x4020, 0x403D, 0x403F, 0x4040,
        0x7FFF, 0xFFFE, 0xFFFF,
    ];

    /// <summary>Events that QEMU's hosts implement (PMCEID bits of the presets) plus CHAIN and SW_INCR: the ones worth counting.</summary>
    public static readonly ushort[] CountableEvents = [0x00, 0x08, 0x11, 0x1E, 0x21, 0x23, 0x24, 0x3C, 0x3D, 0x3F];

    /// <summary>Bases at 64-bit word boundaries of the bitmap (and one below them).</summary>
    public static readonly ushort[] WordBoundaries = [0x3F, 0x40, 0x7F, 0x80, 0xBF, 0xC0, 0x3C0, 0x3FF, 0x400, 0x3FC0, 0x4000, 0x4040, 0xFFC0];

    /// <summary>Counter values: 0, around 2^31, 2^32 and 2^64.</summary>
    public static readonly ulong[] CounterValues =
    [
        0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFE, 0xFFFFFFFF, 0x100000000, 0x1FFFFFFFF,
        0xFFFFFFFFFFFFFFF0, 0xFFFFFFFFFFFFFFFE, 0xFFFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF, 0xdbadc0de,
    ];

    /// <summary>Event counts: small ones, and the ones that cross a 32-bit wrap from the values above.</summary>
    public static readonly ulong[] Counts = [0, 1, 2, 3, 10, 16, 0x10, 0xFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE];

    /// <summary>An event number: an edge, an edge plus or minus a little, or anything.</summary>
    public static ushort Event(IChoiceSource choices)
    {
        switch (choices.Weighted([6, 3, 1]))
        {
            case 0:
                return choices.Pick(Events);
            case 1:
                return (ushort)(choices.Pick(Events) + choices.Between(-2, 2));
            default:
                return (ushort)choices.Below(0x10000);
        }
    }

    public static ulong CounterValue(IChoiceSource choices) => choices.Weighted([7, 2, 1]) switch
    {
        0 => choices.Pick(CounterValues),
        1 => choices.Pick(CounterValues) - (ulong)choices.Between(0, 40),
        _ => choices.Bits(),
    };

    public static ulong Count(IChoiceSource choices) => choices.Weighted([5, 4, 1]) switch
    {
        0 => (ulong)choices.Between(1, 20),
        1 => choices.Pick(Counts),
        _ => choices.Below(EventsStep.MaxCount + 1),
    };

    /// <summary>The edge nearest below <paramref name="value"/> (or 0): where the shrinker moves an event number.</summary>
    public static ushort NearestEdgeAtOrBelow(ushort value)
    {
        ushort best = 0;
        foreach (var edge in Events)
        {
            if (edge <= value && edge > best)
            {
                best = edge;
            }
        }
        return best;
    }
}
