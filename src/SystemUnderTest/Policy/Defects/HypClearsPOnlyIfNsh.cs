using Correct = PmuConformance.SystemUnderTest.CorrectPolicy;

namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:hyp-clears-p-only-if-nsh</c>: In a hyp context P is cleared when NSH = 1, but
/// otherwise the guest's P (and NSK) stay, so NSH = 0 with P = 0 still counts at vEL2, and HPMD is
/// lost (N2, C4; behaviour.md section 11 defect 4).
/// </summary>
public struct HypClearsPOnlyIfNsh : IEmulatorPolicy
{
    /// <summary>The defect: the decision looks at NSH alone; without it the guest's EL1 bits are kept.</summary>
    public static ulong HypEl1Bits(ulong hardwareType, bool countsAtEl2, ulong guestEventType) =>
        (guestEventType & EventTypeFields.Nsh) != 0
            ? hardwareType & ~(EventTypeFields.P | EventTypeFields.Nsk)
            : hardwareType | (guestEventType & (EventTypeFields.P | EventTypeFields.Nsk));

    // Every other decision as in the correct emulator.
    public static ushort EventMask(byte pmuVer) => Correct.EventMask(pmuVer);
    public static ushort SelectionMask(ushort guestEventMask) => Correct.SelectionMask(guestEventMask);
    public static uint FilterSpace(byte hostLimit) => Correct.FilterSpace(hostLimit);
    public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => Correct.FilterLookupIndex(guestEventType, selectedEvent);
    public static uint CycleCounterFilterEvent(ulong guestPmccfiltr) => Correct.CycleCounterFilterEvent(guestPmccfiltr);
    public static ulong ExcludeEverywhere(ulong hardwareType) => Correct.ExcludeEverywhere(hardwareType);
    public static bool HypEl1FromEl2Controls => Correct.HypEl1FromEl2Controls;
    public static bool UsesHpmd => Correct.UsesHpmd;
    public static bool ReprogramsOnHypTransition => Correct.ReprogramsOnHypTransition;
    public static bool FiltersSoftwareCounters => Correct.FiltersSoftwareCounters;
    public static bool SoftwareIncrementChecksFilter => Correct.SoftwareIncrementChecksFilter;
    public static bool SoftwareIncrementNeedsPmcrE => Correct.SoftwareIncrementNeedsPmcrE;
    public static bool SoftwareIncrementOverflowChains => Correct.SoftwareIncrementOverflowChains;
    public static ulong PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask) => Correct.PmceidFilterMask(filter, firstEvent, guestEventMask);
    public static bool RefusesFilterAfterRun => Correct.RefusesFilterAfterRun;
}
