using PmuConformance.Scenarios;

namespace PmuConformance.SystemUnderTest;

/// <summary>
/// The few decisions of the emulator where the partitioned-PMU design has gone wrong before
/// (behaviour.md section 11 and the rules it rests on). The emulator is generic over a struct
/// implementing this, so each decision is a static call the JIT resolves per policy type:
/// <see cref="CorrectPolicy"/> compiles down to the plain correct code, with no checks left on the
/// hot paths, and a defect variant is one other struct (selected as <c>emulator:&lt;name&gt;</c>).
/// Every member's default is the correct decision (behaviour.md, profile 7.2): a defect overrides
/// only the decision it gets wrong. Properties (<c>{ get; }</c>) are constants of the policy;
/// methods compute a value.
/// </summary>
public interface IEmulatorPolicy
{
    /// <summary>E1, the version-to-mask table: the event-number mask of a PMUVer value.</summary>
    static virtual ushort EventMask(byte pmuVer) => pmuVer switch
    {
        PmuVersion.Imp => 0x3FF,
        PmuVersion.V3P1 or PmuVersion.V3P4 or PmuVersion.V3P5 or PmuVersion.V3P7 => 0xFFFF,
        _ => 0, // E1: every other value, the kernel warns once
    };

    /// <summary>
    /// E2, event width masking: the mask applied to a guest event number when a PMEVTYPER value is
    /// stored (R2) and when a counter's event is selected (C1).
    /// </summary>
    static virtual ushort SelectionMask(ushort guestEventMask) => guestEventMask;

    /// <summary>
    /// F9, the filter space: how many events a filter range may cover, given the event mask of the
    /// host limit (it does not follow a guest PMUVer lowered by userspace).
    /// </summary>
    static virtual uint FilterSpace(ushort hostLimitEventMask) => hostLimitEventMask + 1u;

    /// <summary>B5, the filter lookup index of an event counter (section 11 defect 1 used the whole register).</summary>
    static virtual uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => selectedEvent;

    /// <summary>C2, the event whose filter bit gates the cycle counter.</summary>
    static virtual uint CycleCounterFilterEvent(ulong guestPmccfiltr) => Events.CpuCycles;

    /// <summary>The exclude bits set on a filtered counter's hardware value (section 11 defect 2 also set NSK/NSU).</summary>
    static virtual ulong ExcludeEverywhere(ulong hardwareType) =>
        (hardwareType | EventTypeFields.P | EventTypeFields.U)
        & ~(EventTypeFields.Nsk | EventTypeFields.Nsu | EventTypeFields.Nsh);

    /// <summary>N2, the hyp-context EL1 bit source: true when vEL2's hardware EL1 bits follow the guest's EL2 controls (defect 3: its P bit).</summary>
    static virtual bool HypEl1FromEl2Controls => true;

    /// <summary>N2, hyp P clearing: the hardware EL1 bits of a counter in a hyp context, given whether vEL2 counts (defect 4).</summary>
    static virtual ulong HypEl1Bits(ulong hardwareType, bool countsAtEl2, ulong guestEventType) =>
        countsAtEl2
            ? hardwareType & ~(EventTypeFields.P | EventTypeFields.Nsk)
            : (hardwareType | EventTypeFields.P) & ~EventTypeFields.Nsk;

    /// <summary>C4, HPMD use: whether MDCR_EL2.HPMD stops non-hyp counters at vEL2.</summary>
    static virtual bool UsesHpmd => true;

    /// <summary>N2, recompute on nested transitions (section 11 defect 5).</summary>
    static virtual bool ReprogramsOnHypTransition => true;

    /// <summary>
    /// Exclude bits on SW_INCR/CHAIN counters (section 11 defect 6): when true, a filtered software
    /// counter gets the exclude bits, and the emulated increments honour them.
    /// </summary>
    static virtual bool FiltersSoftwareCounters => false;

    /// <summary>C6, SW_INCR filter check: whether PMSWINC consults the filter.</summary>
    static virtual bool SoftwareIncrementChecksFilter => false;

    /// <summary>C6, PMSWINC PMCR.E check.</summary>
    static virtual bool SoftwareIncrementNeedsPmcrE => true;

    /// <summary>C7, chain propagation when a SW_INCR increment overflows an even counter.</summary>
    static virtual bool SoftwareIncrementOverflowChains => true;

    /// <summary>P4, PMCEID masking: the mask ANDed into PMCEID0 (first event 0) or PMCEID1 (32) when a filter exists.</summary>
    static virtual ulong PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask)
    {
        ulong mask = filter.Bits32(firstEvent);
        if ((uint)guestEventMask + 1 >= 0x4000 + firstEvent + 32)
        {
            mask |= (ulong)filter.Bits32(0x4000 + firstEvent) << 32;
        }
        return mask;
    }

    /// <summary>F5, the filter-after-run check.</summary>
    static virtual bool RefusesFilterAfterRun => true;
}
