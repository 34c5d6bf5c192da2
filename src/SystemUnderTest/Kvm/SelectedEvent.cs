using PmuConformance.Scenarios;

namespace PmuConformance.SystemUnderTest;

/// <summary>C1: the event a counter selects.</summary>
internal static class SelectedEvent
{
    /// <summary>
    /// C1: an event counter selects its PMEVTYPER event number under the guest event mask (E2); the
    /// cycle counter always selects CPU_CYCLES, whatever PMCCFILTR holds.
    /// </summary>
    public static uint Of(int counter, ulong guestEventType, ushort eventMask) =>
        counter == CounterMask.Cycle ? Events.CpuCycles : (uint)(guestEventType & eventMask);
}
