using Correct = PmuConformance.SystemUnderTest.CorrectPolicy;

namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:swincr-chain-get-exclude-bits</c>: SW_INCR and CHAIN counters get exclude bits from
/// the filter (a default-deny bitmap denies events 0 and 0x1E), and the emulated increments honour
/// them, though C6 and C7 never filter (behaviour.md section 11 defect 6).
/// </summary>
public struct SwIncrChainGetExcludeBits : IEmulatorPolicy
{
    /// <summary>The defect: software counters are filtered like hardware-backed ones.</summary>
    public static bool FiltersSoftwareCounters => true;

    // Every other decision as in the correct emulator.
    public static ushort EventMask(byte pmuVer) => Correct.EventMask(pmuVer);
    public static ushort SelectionMask(ushort guestEventMask) => Correct.SelectionMask(guestEventMask);
    public static uint FilterSpace(byte hostLimit) => Correct.FilterSpace(hostLimit);
    public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => Correct.FilterLookupIndex(guestEventType, selectedEvent);
    public static uint CycleCounterFilterEvent(ulong guestPmccfiltr) => Correct.CycleCounterFilterEvent(guestPmccfiltr);
    public static ulong ExcludeEverywhere(ulong hardwareType) => Correct.ExcludeEverywhere(hardwareType);
    public static bool HypEl1FromEl2Controls => Correct.HypEl1FromEl2Controls;
    public static ulong HypEl1Bits(ulong hardwareType, bool countsAtEl2, ulong guestEventType) => Correct.HypEl1Bits(hardwareType, countsAtEl2, guestEventType);
    public static bool UsesHpmd => Correct.UsesHpmd;
    public static bool ReprogramsOnHypTransition => Correct.ReprogramsOnHypTransition;
    public static bool SoftwareIncrementChecksFilter => Correct.SoftwareIncrementChecksFilter;
    public static bool SoftwareIncrementNeedsPmcrE => Correct.SoftwareIncrementNeedsPmcrE;
    public static bool SoftwareIncrementOverflowChains => Correct.SoftwareIncrementOverflowChains;
    public static ulong PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask) => Correct.PmceidFilterMask(filter, firstEvent, guestEventMask);
    public static bool RefusesFilterAfterRun => Correct.RefusesFilterAfterRun;
}
