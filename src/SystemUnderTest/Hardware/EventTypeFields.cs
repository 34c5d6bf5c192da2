namespace PmuConformance.SystemUnderTest;

/// <summary>
/// The fields of a PMUv3 event-type register (PMEVTYPER&lt;n&gt;_EL0, PMCCFILTR_EL0), the same for the
/// guest's virtual register and the hardware one (behaviour.md C4, R2).
/// </summary>
public static class EventTypeFields
{
    public const ulong P = 1UL << 31;
    public const ulong U = 1UL << 30;
    public const ulong Nsk = 1UL << 29;
    public const ulong Nsu = 1UL << 28;
    public const ulong Nsh = 1UL << 27;
    public const ulong M = 1UL << 26;

    /// <summary>The event number field of the hardware (16 bits).</summary>
    public const ulong Event = 0xFFFF;

    /// <summary>Every exception-level control bit.</summary>
    public const ulong ExceptionLevelBits = P | U | Nsk | Nsu | Nsh;
}

/// <summary>The exception level at which the physical CPU executes when an event occurs.</summary>
public enum PhysicalEl
{
    El0 = 0,

    /// <summary>Guest EL1, and also the guest hypervisor's vEL2 (behaviour.md N2).</summary>
    El1 = 1,
}
