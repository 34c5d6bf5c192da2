namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:event-width-16bit</c>: Guest event numbers are not masked to 10 bits on a PMUv3p0
/// guest (they keep all 16 bits when stored and selected), and the filter space is 65536 events
/// whatever the PMU version (E2, R2, F9).
/// </summary>
public struct EventWidth16Bit : IEmulatorPolicy
{
    /// <summary>The defect: a fixed 16-bit width wherever the version's mask belongs (PMCEID, P4, still uses the version's).</summary>
    static ushort IEmulatorPolicy.AppliedEventMask(ushort eventMask) => 0xFFFF;
}
