using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;
using Correct = PmuConformance.SystemUnderTest.CorrectPolicy;

namespace PmuConformance.Properties.Emulator;

// Test-only policies, one per defect of behaviour.md section 11, each the correct policy with one
// decision changed. They exist to show that the differential test and the targeted scenarios can
// fail (a property that cannot fail proves nothing). The selectable defect variants of the CLI
// (emulator:<name>) are the next issue's and live in src/SystemUnderTest.

/// <summary>Section 11 defect 1: the filter bit looked up with the whole register value.</summary>
public struct WholeRegisterLookup : IEmulatorPolicy
{
    public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => (uint)guestEventType;

    public static ushort EventMask(byte pmuVer) => Correct.EventMask(pmuVer);
    public static ushort SelectionMask(ushort guestEventMask) => Correct.SelectionMask(guestEventMask);
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

/// <summary>Section 11 defect 2: "exclude everywhere" also sets NSK and NSU.</summary>
public struct ExcludeSetsNsBits : IEmulatorPolicy
{
    public static ulong ExcludeEverywhere(ulong hardwareType) =>
        hardwareType | EventTypeFields.P | EventTypeFields.U | EventTypeFields.Nsk | EventTypeFields.Nsu;

    public static ushort EventMask(byte pmuVer) => Correct.EventMask(pmuVer);
    public static ushort SelectionMask(ushort guestEventMask) => Correct.SelectionMask(guestEventMask);
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

/// <summary>Section 11 defect 3: in a hyp context the hardware EL1 bits come from the guest's P (and NSK).</summary>
public struct HypEl1FromP : IEmulatorPolicy
{
    public static bool HypEl1FromEl2Controls => false;

    public static ushort EventMask(byte pmuVer) => Correct.EventMask(pmuVer);
    public static ushort SelectionMask(ushort guestEventMask) => Correct.SelectionMask(guestEventMask);
    public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => Correct.FilterLookupIndex(guestEventType, selectedEvent);
    public static uint CycleCounterFilterEvent(ulong guestPmccfiltr) => Correct.CycleCounterFilterEvent(guestPmccfiltr);
    public static ulong ExcludeEverywhere(ulong hardwareType) => Correct.ExcludeEverywhere(hardwareType);
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

/// <summary>Section 11 defect 4: P cleared only when NSH is set; otherwise the guest's P stays.</summary>
public struct HypPClearedOnlyWithNsh : IEmulatorPolicy
{
    public static ulong HypEl1Bits(ulong hardwareType, bool countsAtEl2, ulong guestEventType) =>
        (guestEventType & EventTypeFields.Nsh) != 0
            ? hardwareType & ~(EventTypeFields.P | EventTypeFields.Nsk)
            : hardwareType | (guestEventType & (EventTypeFields.P | EventTypeFields.Nsk));

    public static ushort EventMask(byte pmuVer) => Correct.EventMask(pmuVer);
    public static ushort SelectionMask(ushort guestEventMask) => Correct.SelectionMask(guestEventMask);
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

/// <summary>Section 11 defect 5: the hardware value is not re-derived on nested transitions.</summary>
public struct NoRecomputeOnHypTransition : IEmulatorPolicy
{
    public static bool ReprogramsOnHypTransition => false;

    public static ushort EventMask(byte pmuVer) => Correct.EventMask(pmuVer);
    public static ushort SelectionMask(ushort guestEventMask) => Correct.SelectionMask(guestEventMask);
    public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => Correct.FilterLookupIndex(guestEventType, selectedEvent);
    public static uint CycleCounterFilterEvent(ulong guestPmccfiltr) => Correct.CycleCounterFilterEvent(guestPmccfiltr);
    public static ulong ExcludeEverywhere(ulong hardwareType) => Correct.ExcludeEverywhere(hardwareType);
    public static bool HypEl1FromEl2Controls => Correct.HypEl1FromEl2Controls;
    public static ulong HypEl1Bits(ulong hardwareType, bool countsAtEl2, ulong guestEventType) => Correct.HypEl1Bits(hardwareType, countsAtEl2, guestEventType);
    public static bool UsesHpmd => Correct.UsesHpmd;
    public static bool FiltersSoftwareCounters => Correct.FiltersSoftwareCounters;
    public static bool SoftwareIncrementChecksFilter => Correct.SoftwareIncrementChecksFilter;
    public static bool SoftwareIncrementNeedsPmcrE => Correct.SoftwareIncrementNeedsPmcrE;
    public static bool SoftwareIncrementOverflowChains => Correct.SoftwareIncrementOverflowChains;
    public static ulong PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask) => Correct.PmceidFilterMask(filter, firstEvent, guestEventMask);
    public static bool RefusesFilterAfterRun => Correct.RefusesFilterAfterRun;
}

/// <summary>Section 11 defect 6: SW_INCR and CHAIN counters get exclude bits from the filter.</summary>
public struct FilteredSoftwareCounters : IEmulatorPolicy
{
    public static bool FiltersSoftwareCounters => true;

    public static ushort EventMask(byte pmuVer) => Correct.EventMask(pmuVer);
    public static ushort SelectionMask(ushort guestEventMask) => Correct.SelectionMask(guestEventMask);
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

/// <summary>The mutants as targets, by defect number.</summary>
public static class SectionElevenMutants
{
    public static ITarget Create(int defect) => defect switch
    {
        1 => new EmulatorTarget<WholeRegisterLookup>("mutant-1"),
        2 => new EmulatorTarget<ExcludeSetsNsBits>("mutant-2"),
        3 => new EmulatorTarget<HypEl1FromP>("mutant-3"),
        4 => new EmulatorTarget<HypPClearedOnlyWithNsh>("mutant-4"),
        5 => new EmulatorTarget<NoRecomputeOnHypTransition>("mutant-5"),
        6 => new EmulatorTarget<FilteredSoftwareCounters>("mutant-6"),
        _ => throw new ArgumentOutOfRangeException(nameof(defect)),
    };
}
