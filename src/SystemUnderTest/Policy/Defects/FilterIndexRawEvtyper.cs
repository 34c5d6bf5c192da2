namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:filter-index-raw-evtyper</c>: The filter is looked up with the whole PMEVTYPER value
/// (exclude bits included) instead of the masked event number (B5, E2, C2; behaviour.md section 11
/// defect 1).
/// </summary>
public struct FilterIndexRawEvtyper : IEmulatorPolicy
{
    /// <summary>The defect: an event counter's register value is the index (past the bitmap it reads as the default).</summary>
    static uint IEmulatorPolicy.FilterEvent(int counter, ulong guestEventType, ushort eventMask) =>
        counter == PmuHardware.CycleCounter ? CorrectPolicy.FilterEvent(counter, guestEventType, eventMask) : (uint)guestEventType;
}
