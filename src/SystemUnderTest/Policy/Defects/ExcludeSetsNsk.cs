using Correct = PmuConformance.SystemUnderTest.CorrectPolicy;

namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:exclude-sets-nsk</c>: "Exclude everywhere" also sets NSK/NSU, and P == NSK means
/// count at EL1 (U == NSU at EL0), so a denied event still counts (C2, C4; behaviour.md section 11
/// defect 2).
/// </summary>
public struct ExcludeSetsNsk : IEmulatorPolicy
{
    /// <summary>The defect: NSK and NSU are set along with P and U.</summary>
    public static ulong ExcludeEverywhere(ulong hardwareType) =>
        hardwareType | EventTypeFields.P | EventTypeFields.U | EventTypeFields.Nsk | EventTypeFields.Nsu;

    // Every other decision as in the correct emulator.
    public static ushort EventMask(byte pmuVer) => Correct.EventMask(pmuVer);
    public static ushort SelectionMask(ushort guestEventMask) => Correct.SelectionMask(guestEventMask);
    public static uint FilterSpace(byte hostLimit) => Correct.FilterSpace(hostLimit);
    public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => Correct.FilterLookupIndex(guestEventType, selectedEvent);
    public static uint CycleCounterFilterEvent(ulong guestPmccfiltr) => Correct.CycleCounterFilterEvent(guestPmccfiltr);
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
