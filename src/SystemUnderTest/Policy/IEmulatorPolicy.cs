namespace PmuConformance.SystemUnderTest;

/// <summary>
/// The few decisions of the emulator where the partitioned-PMU design has gone wrong before
/// (behaviour.md section 11 and the rules it rests on). The emulator is generic over a struct
/// implementing this, so each decision is a static call the JIT resolves per policy type:
/// <see cref="CorrectPolicy"/> compiles down to the plain correct code, with no checks left on the
/// hot paths, and a defect variant is one other struct (selected as <c>emulator:&lt;name&gt;</c>).
/// Properties (<c>{ get; }</c>) are constants of the policy; methods compute a value.
/// </summary>
public interface IEmulatorPolicy
{
    /// <summary>E1, the version-to-mask table: the event-number mask of a PMUVer value.</summary>
    static abstract ushort EventMask(byte pmuVer);

    /// <summary>
    /// E2, event width masking: the mask applied to a guest event number when a PMEVTYPER value is
    /// stored (R2) and when a counter's event is selected (C1).
    /// </summary>
    static abstract ushort SelectionMask(ushort guestEventMask);

    /// <summary>F9, the filter space: how many events a filter range may cover, given the host limit.</summary>
    static abstract uint FilterSpace(byte hostLimit);

    /// <summary>B5, the filter lookup index of an event counter (section 11 defect 1 used the whole register).</summary>
    static abstract uint FilterLookupIndex(ulong guestEventType, uint selectedEvent);

    /// <summary>C2, the event whose filter bit gates the cycle counter.</summary>
    static abstract uint CycleCounterFilterEvent(ulong guestPmccfiltr);

    /// <summary>The exclude bits set on a filtered counter's hardware value (section 11 defect 2 also set NSK/NSU).</summary>
    static abstract ulong ExcludeEverywhere(ulong hardwareType);

    /// <summary>N2, the hyp-context EL1 bit source: true when vEL2's hardware EL1 bits follow the guest's EL2 controls (defect 3: its P bit).</summary>
    static abstract bool HypEl1FromEl2Controls { get; }

    /// <summary>N2, hyp P clearing: the hardware EL1 bits of a counter in a hyp context, given whether vEL2 counts (defect 4).</summary>
    static abstract ulong HypEl1Bits(ulong hardwareType, bool countsAtEl2, ulong guestEventType);

    /// <summary>C4, HPMD use: whether MDCR_EL2.HPMD stops non-hyp counters at vEL2.</summary>
    static abstract bool UsesHpmd { get; }

    /// <summary>N2, recompute on nested transitions (section 11 defect 5).</summary>
    static abstract bool ReprogramsOnHypTransition { get; }

    /// <summary>
    /// Exclude bits on SW_INCR/CHAIN counters (section 11 defect 6): when true, a filtered software
    /// counter gets the exclude bits, and the emulated increments honour them.
    /// </summary>
    static abstract bool FiltersSoftwareCounters { get; }

    /// <summary>C6, SW_INCR filter check: whether PMSWINC consults the filter.</summary>
    static abstract bool SoftwareIncrementChecksFilter { get; }

    /// <summary>C6, PMSWINC PMCR.E check.</summary>
    static abstract bool SoftwareIncrementNeedsPmcrE { get; }

    /// <summary>C7, chain propagation when a SW_INCR increment overflows an even counter.</summary>
    static abstract bool SoftwareIncrementOverflowChains { get; }

    /// <summary>P4, PMCEID masking: the mask ANDed into PMCEID0 (first event 0) or PMCEID1 (32) when a filter exists.</summary>
    static abstract ulong PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask);

    /// <summary>F5, the filter-after-run check.</summary>
    static abstract bool RefusesFilterAfterRun { get; }
}
