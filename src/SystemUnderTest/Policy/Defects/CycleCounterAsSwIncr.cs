using PmuConformance.Scenarios;
using Correct = PmuConformance.SystemUnderTest.CorrectPolicy;

namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:cycle-counter-as-swincr</c>: The cycle counter's filter decision uses event 0
/// (SW_INCR) instead of CPU_CYCLES (0x11): denying 0x11 no longer stops PMCCNTR, and a filter that
/// denies SW_INCR does (C2).
/// </summary>
public struct CycleCounterAsSwIncr : IEmulatorPolicy
{
    /// <summary>The defect: the filter bit of event 0, not of CPU_CYCLES.</summary>
    public static uint CycleCounterFilterEvent(ulong guestPmccfiltr) => Events.SwIncr;

    // Every other decision as in the correct emulator.
    public static ushort EventMask(byte pmuVer) => Correct.EventMask(pmuVer);
    public static ushort SelectionMask(ushort guestEventMask) => Correct.SelectionMask(guestEventMask);
    public static uint FilterSpace(byte hostLimit) => Correct.FilterSpace(hostLimit);
    public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => Correct.FilterLookupIndex(guestEventType, selectedEvent);
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
