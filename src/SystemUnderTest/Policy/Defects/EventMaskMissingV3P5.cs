using PmuConformance.Scenarios;
using Correct = PmuConformance.SystemUnderTest.CorrectPolicy;

namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:event-mask-missing-v3p5</c>: The version-to-mask table lacks V3P5, so its mask is 0:
/// the filter space is one event and every guest event reads as SW_INCR (E1).
/// </summary>
public struct EventMaskMissingV3P5 : IEmulatorPolicy
{
    /// <summary>The defect: V3P5 falls into the "other value" case of E1.</summary>
    public static ushort EventMask(byte pmuVer) => pmuVer == PmuVersion.V3P5 ? (ushort)0 : Correct.EventMask(pmuVer);

    // Every other decision as in the correct emulator.
    public static ushort SelectionMask(ushort guestEventMask) => Correct.SelectionMask(guestEventMask);
    public static uint FilterSpace(byte hostLimit) => Correct.FilterSpace(hostLimit);
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
