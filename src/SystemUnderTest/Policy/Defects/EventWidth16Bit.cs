using Correct = PmuConformance.SystemUnderTest.CorrectPolicy;

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
    public static uint FilterSpace(byte hostLimit) => 0x10000;

    // Every other decision as in the correct emulator.
    public static ushort EventMask(byte pmuVer) => Correct.EventMask(pmuVer);
    public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => Correct.FilterLookupIndex(guestEventType, selectedEvent);
    public static uint CycleCounterFilterEvent(ulong guestPmccfiltr) => Correct.CycleCounterFilterEvent(guestPmccfiltr);
    public static ulong ExcludeEverywhere(ulong hardwareType) => Correct.ExcludeEverywhere(hardwareType);
    public static bool HypEl1FromEl2Controls => Correct.HypEl1FromEl2Controls;
    public static ulong HypEl1Bits(ulong hardwareType, bool countsAtEl2, ulong guestEventType) => Correct.HypEl1Bits(hardwareType, countsAtEl2, guestEventType);
    public static bool UsesHpmd => Correct.UsesHpmd;
    public static bool ReprogramsOnHypTransition => Correct.ReprogramsOnHypTransition;
    public static bool FiltersSoftwareCounters => Correct.FiltersSoftwareCounters;
    public static bool SoftwareIncrementChecksFilter => Correct.SoftwareIncrementChecksFilter;
    public static bool SoftwareIncrementNeedsPmcrE => Correct.SoftwareIncrementNeedsPmcrE;
    public static bool SoftwareIncrementOverflowChains => Correct.SoftwareIncrementOverflowChains;
    public static ulong PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask) => Correct.PmceidFilterMask(filter, firstEvent, guestEventMask);
    public static bool RefusesFilterAfterRun => Correct.RefusesFilterAfterRun;
}
