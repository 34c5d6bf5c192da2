using PmuConformance.Scenarios;
namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:cycle-counter-as-swincr</c>: The cycle counter's filter decision uses event 0
/// (SW_INCR) instead of CPU_CYCLES (0x11): denying 0x11 no longer stops PMCCNTR, and a filter that
/// denies SW_INCR does (C2).
/// </summary>
public struct CycleCounterAsSwIncr : IEmulatorPolicy
{
    /// <summary>The defect: the cycle counter is looked up as event 0; event counters as they should be.</summary>
    static uint IEmulatorPolicy.FilterEvent(int counter, ulong guestEventType, ushort eventMask) =>
        counter == PmuHardware.CycleCounter ? Events.SwIncr : CorrectPolicy.FilterEvent(counter, guestEventType, eventMask);
}
