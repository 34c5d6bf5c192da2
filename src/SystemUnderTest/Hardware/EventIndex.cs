using System.Runtime.CompilerServices;

namespace PmuConformance.SystemUnderTest;

/// <summary>
/// For each event number, the counters of one <see cref="PmuHardware"/> that count it at EL0 and at
/// EL1: what lets the hardware dispatch an event occurrence in O(1). At most 32 counters means at
/// most 32 keys, so a 64-slot open-addressing table stays at most half full and a lookup probes a
/// slot or two. Rebuilt as a whole (at most 32 inserts) when the hardware is reprogrammed; a slot
/// holds event + 1 so that a zeroed slot is empty, and clearing touches only the slots in use.
/// </summary>
internal sealed class EventIndex
{
    private const int Slots = 64;
    private const int SlotMask = Slots - 1;

    private Table entries;
    private UsedSlots used;
    private int usedCount;

    [InlineArray(Slots)]
    private struct Table
    {
        private Entry element;
    }

    [InlineArray(32)]
    private struct UsedSlots
    {
        private byte element;
    }

    private struct Entry
    {
        /// <summary>The event number plus one; 0 for an empty slot.</summary>
        public int Key;

        /// <summary>Counters counting this event at EL0 and at EL1.</summary>
        public uint AtEl0;
        public uint AtEl1;
    }

    public void Clear()
    {
        for (var u = 0; u < usedCount; u++)
        {
            entries[used[u]] = default;
        }
        usedCount = 0;
    }

    /// <summary>Adds counter <paramref name="counter"/> under event <paramref name="e"/> for the ELs at which it counts.</summary>
    public void Add(ushort e, int counter, bool atEl0, bool atEl1)
    {
        var bit = 1u << counter;
        var key = e + 1;
        var slot = Hash(e);
        while (entries[slot].Key != 0 && entries[slot].Key != key)
        {
            slot = (slot + 1) & SlotMask;
        }
        if (entries[slot].Key == 0)
        {
            entries[slot].Key = key;
            used[usedCount++] = (byte)slot;
        }
        entries[slot].AtEl0 |= atEl0 ? bit : 0;
        entries[slot].AtEl1 |= atEl1 ? bit : 0;
    }

    /// <summary>The counters that count event <paramref name="e"/> at <paramref name="el"/>, one bit per counter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Find(ushort e, PhysicalEl el)
    {
        var key = e + 1;
        var slot = Hash(e);
        while (true)
        {
            ref readonly var entry = ref entries[slot];
            if (entry.Key == key)
            {
                return el == PhysicalEl.El0 ? entry.AtEl0 : entry.AtEl1;
            }
            if (entry.Key == 0)
            {
                return 0;
            }
            slot = (slot + 1) & SlotMask;
        }
    }

    /// <summary>Fibonacci hashing: spreads the small, clustered architectural event numbers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ushort e) => (int)((e * 0x9E3779B1u) >> 26);
}
