namespace PmuConformance.Scenarios;

/// <summary>Architectural PMUv3 event numbers that scenarios may write by name.</summary>
public static class Events
{
    public const ushort SwIncr = 0x00;
    public const ushort InstRetired = 0x08;
    public const ushort CpuCycles = 0x11;
    public const ushort Chain = 0x1E;
    public const ushort BrRetired = 0x21;
    public const ushort StallFrontend = 0x23;
    public const ushort StallBackend = 0x24;
    public const ushort Stall = 0x3C;
    public const ushort StallSlotBackend = 0x3D;
    public const ushort StallSlotFrontend = 0x3E;
    public const ushort StallSlot = 0x3F;

    private static readonly (string Name, ushort Number)[] Names =
    [
        ("sw_incr", SwIncr), ("l1i_cache_refill", 0x01), ("l1d_cache_refill", 0x03),
        ("l1d_cache", 0x04), ("inst_retired", InstRetired), ("exc_taken", 0x09),
        ("br_mis_pred", 0x10), ("cpu_cycles", CpuCycles), ("br_pred", 0x12), ("mem_access", 0x13),
        ("bus_cycles", 0x1D), ("chain", Chain), ("br_retired", BrRetired),
        ("stall_frontend", StallFrontend), ("stall_backend", StallBackend), ("stall", Stall),
        ("stall_slot_backend", StallSlotBackend), ("stall_slot_frontend", StallSlotFrontend),
        ("stall_slot", StallSlot),
    ];

    /// <summary>Accepts an event name or a 16-bit number.</summary>
    public static bool TryParse(string text, out ushort number)
    {
        foreach (var (name, n) in Names)
        {
            if (name == text)
            {
                number = n;
                return true;
            }
        }
        if (Numbers.TryParse(text, out var value) && value <= ushort.MaxValue)
        {
            number = (ushort)value;
            return true;
        }
        number = 0;
        return false;
    }

    /// <summary>The name if the event has one, else its number in hex.</summary>
    public static string Format(ushort number)
    {
        foreach (var (name, n) in Names)
        {
            if (n == number)
            {
                return name;
            }
        }
        return Numbers.Hex(number);
    }
}
