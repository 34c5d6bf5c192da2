namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:event-width-16bit</c>: Guest event numbers are not masked to 10 bits on a PMUv3p0
/// guest (they keep all 16 bits when stored and selected), and the filter space is 65536 events
/// whatever the PMU version (E2, R2, F9).
/// </summary>
public struct EventWidth16Bit : IEmulatorPolicy
{
    /// <summary>The defect, part 1: every guest event number keeps its 16 bits.</summary>
    public static ushort SelectionMask(ushort guestEventMask) => 0xFFFF;

    /// <summary>The defect, part 2: the filter space ignores the version.</summary>
    public static uint FilterSpace(ushort hostLimitEventMask) => 0x10000;
}
