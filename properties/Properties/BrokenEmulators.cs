using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties;

/// <summary>
/// Deliberately broken emulators: the real emulator with one policy decision wrong. They prove the
/// properties can fail, and that the engine finds and shrinks what they break.
/// </summary>
public static class BrokenEmulators
{
    /// <summary>C6 broken: PMSWINC consults the filter, so a default-deny filter stops SW_INCR counters.</summary>
    public static ITarget SoftwareIncrementObeysFilter() => new EmulatorTarget<SwIncrObeysFilter>("emulator:test-swincr-obeys-filter");

    /// <summary>N2 broken (behaviour.md section 11, defect 5): hardware event types are not recomputed on enter/exit-hyp.</summary>
    public static ITarget NoReprogramOnHypTransition() => new EmulatorTarget<NoHypReprogram>("emulator:test-no-hyp-reprogram");

    /// <summary>Section 11 defect 2: "exclude everywhere" also sets NSK/NSU, and P == NSK counts at EL1.</summary>
    public static ITarget ExcludeSetsNsBits() => new EmulatorTarget<ExcludeWithNsBits>("emulator:test-exclude-sets-ns");

    private struct SwIncrObeysFilter : IEmulatorPolicy
    {
        public static bool SoftwareIncrementChecksFilter => true; // the defect

        public static ushort EventMask(byte pmuVer) => CorrectPolicy.EventMask(pmuVer);
        public static ushort SelectionMask(ushort guestEventMask) => CorrectPolicy.SelectionMask(guestEventMask);
        public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => CorrectPolicy.FilterLookupIndex(guestEventType, selectedEvent);
        public static uint CycleCounterFilterEvent(ulong guestPmccfiltr) => CorrectPolicy.CycleCounterFilterEvent(guestPmccfiltr);
        public static ulong ExcludeEverywhere(ulong hardwareType) => CorrectPolicy.ExcludeEverywhere(hardwareType);
        public static bool HypEl1FromEl2Controls => CorrectPolicy.HypEl1FromEl2Controls;
        public static ulong HypEl1Bits(ulong hardwareType, bool countsAtEl2, ulong guestEventType) => CorrectPolicy.HypEl1Bits(hardwareType, countsAtEl2, guestEventType);
        public static bool UsesHpmd => CorrectPolicy.UsesHpmd;
        public static bool ReprogramsOnHypTransition => CorrectPolicy.ReprogramsOnHypTransition;
        public static bool FiltersSoftwareCounters => CorrectPolicy.FiltersSoftwareCounters;
        public static bool SoftwareIncrementNeedsPmcrE => CorrectPolicy.SoftwareIncrementNeedsPmcrE;
        public static bool SoftwareIncrementOverflowChains => CorrectPolicy.SoftwareIncrementOverflowChains;
        public static ulong PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask) => CorrectPolicy.PmceidFilterMask(filter, firstEvent, guestEventMask);
        public static bool RefusesFilterAfterRun => CorrectPolicy.RefusesFilterAfterRun;
    }

    private struct NoHypReprogram : IEmulatorPolicy
    {
        public static bool ReprogramsOnHypTransition => false; // the defect

        public static ushort EventMask(byte pmuVer) => CorrectPolicy.EventMask(pmuVer);
        public static ushort SelectionMask(ushort guestEventMask) => CorrectPolicy.SelectionMask(guestEventMask);
        public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => CorrectPolicy.FilterLookupIndex(guestEventType, selectedEvent);
        public static uint CycleCounterFilterEvent(ulong guestPmccfiltr) => CorrectPolicy.CycleCounterFilterEvent(guestPmccfiltr);
        public static ulong ExcludeEverywhere(ulong hardwareType) => CorrectPolicy.ExcludeEverywhere(hardwareType);
        public static bool HypEl1FromEl2Controls => CorrectPolicy.HypEl1FromEl2Controls;
        public static ulong HypEl1Bits(ulong hardwareType, bool countsAtEl2, ulong guestEventType) => CorrectPolicy.HypEl1Bits(hardwareType, countsAtEl2, guestEventType);
        public static bool UsesHpmd => CorrectPolicy.UsesHpmd;
        public static bool FiltersSoftwareCounters => CorrectPolicy.FiltersSoftwareCounters;
        public static bool SoftwareIncrementChecksFilter => CorrectPolicy.SoftwareIncrementChecksFilter;
        public static bool SoftwareIncrementNeedsPmcrE => CorrectPolicy.SoftwareIncrementNeedsPmcrE;
        public static bool SoftwareIncrementOverflowChains => CorrectPolicy.SoftwareIncrementOverflowChains;
        public static ulong PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask) => CorrectPolicy.PmceidFilterMask(filter, firstEvent, guestEventMask);
        public static bool RefusesFilterAfterRun => CorrectPolicy.RefusesFilterAfterRun;
    }

    private struct ExcludeWithNsBits : IEmulatorPolicy
    {
        /// <summary>The defect: NSK and NSU set along with P and U.</summary>
        public static ulong ExcludeEverywhere(ulong hardwareType) =>
            hardwareType | EventTypeFields.P | EventTypeFields.U | EventTypeFields.Nsk | EventTypeFields.Nsu;

        public static ushort EventMask(byte pmuVer) => CorrectPolicy.EventMask(pmuVer);
        public static ushort SelectionMask(ushort guestEventMask) => CorrectPolicy.SelectionMask(guestEventMask);
        public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => CorrectPolicy.FilterLookupIndex(guestEventType, selectedEvent);
        public static uint CycleCounterFilterEvent(ulong guestPmccfiltr) => CorrectPolicy.CycleCounterFilterEvent(guestPmccfiltr);
        public static bool HypEl1FromEl2Controls => CorrectPolicy.HypEl1FromEl2Controls;
        public static ulong HypEl1Bits(ulong hardwareType, bool countsAtEl2, ulong guestEventType) => CorrectPolicy.HypEl1Bits(hardwareType, countsAtEl2, guestEventType);
        public static bool UsesHpmd => CorrectPolicy.UsesHpmd;
        public static bool ReprogramsOnHypTransition => CorrectPolicy.ReprogramsOnHypTransition;
        public static bool FiltersSoftwareCounters => CorrectPolicy.FiltersSoftwareCounters;
        public static bool SoftwareIncrementChecksFilter => CorrectPolicy.SoftwareIncrementChecksFilter;
        public static bool SoftwareIncrementNeedsPmcrE => CorrectPolicy.SoftwareIncrementNeedsPmcrE;
        public static bool SoftwareIncrementOverflowChains => CorrectPolicy.SoftwareIncrementOverflowChains;
        public static ulong PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask) => CorrectPolicy.PmceidFilterMask(filter, firstEvent, guestEventMask);
        public static bool RefusesFilterAfterRun => CorrectPolicy.RefusesFilterAfterRun;
    }
}
