namespace PmuConformance.SystemUnderTest;

/// <summary>
/// The decisions of the partitioned-PMU design that have gone wrong before (behaviour.md section 11,
/// the E1 table, and the rules of the issue 5 defects), each a function named after the rule it
/// decides and taking only what the correct decision needs. The emulator asks them at the point
/// where the rule applies; a defect variant (<c>emulator:&lt;name&gt;</c>, Policy/Defects) overrides
/// one decision and returns the wrong answer.
/// </summary>
/// <remarks>
/// The correct decisions are <see cref="CorrectPolicy"/>'s (Kvm/CorrectPolicy.cs, next to the
/// emulator that asks them); each member here defaults to it, so a defect states only what it gets
/// wrong. The emulator is generic over a struct policy, so every decision is a static call the JIT
/// resolves and inlines per policy type: for <see cref="CorrectPolicy"/> a decision that is
/// constant folds away, and the correct emulator carries no check a defect needs.
/// </remarks>
public interface IEmulatorPolicy
{
    /// <summary>E1: the event-number mask of a PMUVer value.</summary>
    static virtual ushort EventMask(byte pmuVer) => CorrectPolicy.EventMask(pmuVer);

    /// <summary>
    /// E2, F9: the mask the emulator applies where behaviour.md applies <c>EventMask(v)</c>, given
    /// that mask: to guest event numbers when stored (R2) and selected (C1), with the guest's
    /// PMUVer, and to the filter space, with the host limit's.
    /// </summary>
    static virtual ushort AppliedEventMask(ushort eventMask) => CorrectPolicy.AppliedEventMask(eventMask);

    /// <summary>
    /// B5, C2: the event whose filter bit decides counter <paramref name="counter"/>, given its
    /// guest event-type value and the applied guest event mask (section 11 defect 1).
    /// </summary>
    static virtual uint FilterEvent(int counter, ulong guestEventType, ushort eventMask) =>
        CorrectPolicy.FilterEvent(counter, guestEventType, eventMask);

    /// <summary>C2, C6, C7: whether the filter governs counting by <paramref name="path"/> (section 11 defect 6).</summary>
    static virtual bool FilterApplies(CountingPath path) => CorrectPolicy.FilterApplies(path);

    /// <summary>C2, C4: the hardware event-type value of a filtered counter, given its unfiltered one (section 11 defect 2).</summary>
    static virtual ulong ExcludedEverywhere(ulong hardwareType) => CorrectPolicy.ExcludedEverywhere(hardwareType);

    /// <summary>
    /// N2, C4: the hardware EL1 exclusion bits (P, NSK) of a counter in a hyp context, given its
    /// guest event-type value and whether MDCR_EL2.HPMD stops it at EL2 (section 11 defects 3, 4).
    /// </summary>
    static virtual ulong HypEl1Bits(ulong guestEventType, bool hpmdStops) =>
        CorrectPolicy.HypEl1Bits(guestEventType, hpmdStops);

    /// <summary>N2: whether a step from (<paramref name="wasHyp"/>) to (<paramref name="isHyp"/>) a hyp context re-derives the hardware event types (section 11 defect 5).</summary>
    static virtual bool ReprogramsOnHypTransition(bool wasHyp, bool isHyp) =>
        CorrectPolicy.ReprogramsOnHypTransition(wasHyp, isHyp);

    /// <summary>C6: the counters a PMSWINC write increments, given the written mask, PMCNTENSET, the SW_INCR counters and PMCR_EL0.E.</summary>
    static virtual ulong SoftwareIncrementTargets(ulong written, ulong enabled, ulong swIncrCounters, bool pmcrEnabled) =>
        CorrectPolicy.SoftwareIncrementTargets(written, enabled, swIncrCounters, pmcrEnabled);

    /// <summary>C7: of the counters a PMSWINC write made overflow, those whose overflow goes on to the CHAIN neighbour.</summary>
    static virtual ulong ChainedSoftwareIncrementOverflows(ulong overflowed) =>
        CorrectPolicy.ChainedSoftwareIncrementOverflows(overflowed);

    /// <summary>P4: the mask ANDed into PMCEID0 (<paramref name="firstEvent"/> 0) or PMCEID1 (32) when a filter exists.</summary>
    static virtual ulong PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask) =>
        CorrectPolicy.PmceidFilterMask(filter, firstEvent, guestEventMask);

    /// <summary>F5: whether a well-formed filter may be installed, given whether any vCPU has run.</summary>
    static virtual bool MayInstallFilter(bool anyVcpuHasRun) => CorrectPolicy.MayInstallFilter(anyVcpuHasRun);
}
