using System.Numerics;
using System.Runtime.CompilerServices;

namespace PmuConformance.SystemUnderTest;

/// <summary>
/// The PMUv3 of the physical CPU a vCPU is loaded on, once KVM has handed it to the guest. It knows
/// nothing about filters, guests or nesting: per counter it has a hardware event-type value (event
/// number and P/U/NSK/NSU/NSH) and a value, plus the enable, width and overflow registers KVM
/// programs, and it counts an event occurrence at a physical exception level from those registers
/// alone: EL0 when U == NSU, EL1 when P == NSK (the architecture's rule; the guest never runs at
/// physical EL2, so NSH never matters here). The cycle counter (31) counts CPU_CYCLES whatever its
/// event field holds.
/// </summary>
public sealed class PmuHardware
{
    public const int CycleCounter = 31;
    private const ushort CpuCycles = 0x11;

    private PerCounter value;
    private PerCounter eventType;
    private readonly EventIndex index = new();
    private bool indexStale = true;

    private ulong enabled;       // counters that count hardware events (PMCNTENSET and PMCR.E as KVM set them)
    private ulong wide = 1UL << CycleCounter; // counters that keep 64 bits
    private ulong longOverflow;  // counters that overflow at 64 bits (LP, LC, HLP as KVM set them)

    /// <summary>PMOVSSET: the overflow status, one bit per counter.</summary>
    public ulong Overflow { get; set; }

    public ulong EventType(int counter) => eventType[counter];

    public void WriteEventType(int counter, ulong type)
    {
        if (eventType[counter] != type)
        {
            eventType[counter] = type;
            indexStale = true;
        }
    }

    /// <summary>Programs which counters count and how wide they are (<paramref name="longOverflow"/> only for wide counters).</summary>
    public void Configure(ulong enabledCounters, ulong wideCounters, ulong longOverflowCounters)
    {
        if (enabled != enabledCounters)
        {
            enabled = enabledCounters;
            indexStale = true;
        }
        wide = wideCounters;
        longOverflow = longOverflowCounters & wideCounters;
    }

    public ulong ReadCounter(int counter) => value[counter];

    public void WriteCounter(int counter, ulong newValue) =>
        value[counter] = IsWide(counter) ? newValue : newValue & 0xFFFFFFFF;

    /// <summary>
    /// <paramref name="count"/> occurrences of event <paramref name="e"/> at <paramref name="el"/>. Returns
    /// the counters that overflowed (each at most once: a count is below 2^32).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Count(ushort e, PhysicalEl el, ulong count)
    {
        if (indexStale)
        {
            RebuildIndex();
        }
        var counters = index.Find(e, el);
        ulong overflowed = 0;
        while (counters != 0)
        {
            var i = BitOperations.TrailingZeroCount(counters);
            counters &= counters - 1;
            if (Add(i, count))
            {
                overflowed |= 1UL << i;
            }
        }
        return overflowed;
    }

    /// <summary>
    /// Adds <paramref name="count"/> (below 2^32) to a counter. True when it wrapped at its overflow
    /// width (64 or 32 bits; a wide counter with 32-bit overflow keeps counting in its upper half),
    /// which also sets its overflow bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Add(int counter, ulong count)
    {
        var bit = 1UL << counter;
        var before = value[counter];
        var after = before + count;
        var wrapped = (longOverflow & bit) != 0
            ? after < before
            : ((before & 0xFFFFFFFF) + count) >> 32 != 0;
        value[counter] = (wide & bit) != 0 ? after : after & 0xFFFFFFFF;
        if (wrapped)
        {
            Overflow |= bit;
        }
        return wrapped;
    }

    /// <summary>vcpu_load: the guest's saved counts go back into the hardware.</summary>
    public void Restore(ReadOnlySpan<ulong> counters, ulong overflow)
    {
        counters.CopyTo(value);
        Overflow = overflow;
    }

    /// <summary>
    /// vcpu_put: the counts are saved and the hardware goes back to the host, stopped. (The values
    /// left behind are the host's to overwrite; the next vcpu_load restores and reprograms everything.)
    /// </summary>
    public ulong Release(Span<ulong> counters)
    {
        ((ReadOnlySpan<ulong>)value).CopyTo(counters);
        var overflow = Overflow;
        Overflow = 0;
        enabled = 0;
        indexStale = true;
        return overflow;
    }

    private bool IsWide(int counter) => (wide & (1UL << counter)) != 0;

    private static bool CountsAtEl0(ulong type) =>
        ((type & EventTypeFields.U) != 0) == ((type & EventTypeFields.Nsu) != 0);

    private static bool CountsAtEl1(ulong type) =>
        ((type & EventTypeFields.P) != 0) == ((type & EventTypeFields.Nsk) != 0);

    private void RebuildIndex()
    {
        index.Clear();
        var counters = enabled;
        while (counters != 0)
        {
            var i = BitOperations.TrailingZeroCount(counters);
            counters &= counters - 1;
            var type = eventType[i];
            var e = i == CycleCounter ? CpuCycles : (ushort)(type & EventTypeFields.Event);
            bool atEl0 = CountsAtEl0(type), atEl1 = CountsAtEl1(type);
            if (atEl0 || atEl1)
            {
                index.Add(e, i, atEl0, atEl1);
            }
        }
        indexStale = false;
    }
}
