namespace PmuConformance.Scenarios;

/// <summary>Which PMU version a profile's rule takes its event width from (F9, E2).</summary>
public enum PmuVerSource
{
    /// <summary>The host PMU's own PMUVer, whatever the guest is given.</summary>
    HostPmuVer,

    /// <summary>The host limit, min(host PMUVer, V3P5) (F9).</summary>
    HostLimit,

    /// <summary>The PMUVer the guest sees (userspace may have lowered it, E3).</summary>
    GuestPmuVer,
}

/// <summary>What userspace may write into ID_AA64DFR0_EL1.PMUVer (E3).</summary>
public enum GuestPmuVerPolicy
{
    /// <summary>The guest gets min(host, V3P4) and only that value is accepted.</summary>
    FixedAtMinOfHostAndV3P4,

    /// <summary>The guest gets the host limit; any lower value is accepted before the first run.</summary>
    HostLimitLowerSafe,
}

/// <summary>Which PMEVTYPER/PMCCFILTR bits a profile stores (R2).</summary>
public enum EventTypeMaskRule
{
    /// <summary>A fixed mask, whatever the guest's ID registers say: P, U, NSH and 16 event bits (0xC800FFFF).</summary>
    Fixed,

    /// <summary>P, U and the guest's event width; NSH if the guest's EL2 field is set; NSK, NSU, M if its EL3 field is set.</summary>
    ByGuestIdFields,
}

/// <summary>How a profile decides at which exception levels a counter counts (C4).</summary>
public enum ExceptionLevelRule
{
    /// <summary>Only U (EL0) and P (EL1) decide: the non-secure bits are never stored.</summary>
    UAndPOnly,

    /// <summary>A level counts when its bit equals its non-secure twin: U == NSU at EL0, P == NSK at EL1.</summary>
    NonSecureTwins,
}

/// <summary>
/// One kernel profile as data: the table of behaviour.md section 10, one property per row (named
/// after the rule it decides), plus the deviations the ledger expects of the profile. The model
/// reads these properties where a rule's outcome differs by profile only in a value; it keeps a
/// branch of its own only where a rule's logic differs.
/// </summary>
public sealed record ProfileRules
{
    public required KernelProfile Profile { get; init; }

    /// <summary>F9: the PMU version whose event width bounds a filter range.</summary>
    public required PmuVerSource FilterSpaceFrom { get; init; }

    /// <summary>E2: the PMU version whose event width masks guest event numbers.</summary>
    public required PmuVerSource GuestEventMaskFrom { get; init; }

    /// <summary>E3: the guest PMUVer by default, and what userspace may write.</summary>
    public required GuestPmuVerPolicy GuestPmuVer { get; init; }

    /// <summary>E3 (7.2): a guest PMUVer of 0 at the first run hides every PMU register.</summary>
    public required bool PmuVerZeroHidesPmu { get; init; }

    /// <summary>P2: events whose PMCEID0 bit is always set.</summary>
    public required IReadOnlyList<uint> ForcedPmceid0Events { get; init; }

    /// <summary>P3: events (0x20-0x3F) whose PMCEID1 bit is always clear ...</summary>
    public required IReadOnlyList<uint> HiddenPmceid1Events { get; init; }

    /// <summary>P3: ... when the host's PMUVer is at least this (0: always).</summary>
    public required byte HidesPmceid1FromHostPmuVer { get; init; }

    /// <summary>R2: which event-type bits are stored.</summary>
    public required EventTypeMaskRule EventTypeMask { get; init; }

    /// <summary>C4: how U, P and their non-secure twins decide counting at EL0 and EL1.</summary>
    public required ExceptionLevelRule ExceptionLevels { get; init; }

    /// <summary>O1: event counters may be 64-bit (guest PMUVer V3P5 and PMCR.LP); false: LP is stored and ignored.</summary>
    public required bool EventCounters64Bit { get; init; }

    /// <summary>O3: the interrupt line is split between hyp counters (HPME) and the others (PMCR.E).</summary>
    public required bool HypInterruptSplit { get; init; }

    /// <summary>R1: the PMCR_EL0 reset value before N (0xAC on 6.1: C and the 0xA8 pattern; 0 elsewhere).</summary>
    public required ulong PmcrResetValue { get; init; }

    /// <summary>R1: PMCR_EL0 shows the host's IMP and IDCODE bits.</summary>
    public required bool PmcrShowsHostId { get; init; }

    /// <summary>R6 (6.1): the first run applies the reset PMCR's C bit (PMCCNTR reads 0).</summary>
    public required bool FirstRunAppliesResetPmcr { get; init; }

    /// <summary>U1: the SET_NR_COUNTERS attribute exists.</summary>
    public required bool HasSetNrCounters { get; init; }

    /// <summary>L3: selecting a host PMU sets the VM's counter count to what that PMU implements.</summary>
    public required bool SetPmuResetsCounters { get; init; }

    /// <summary>V4: a SET_ONE_REG of PMCR_EL0 before the first run may lower the VM's N.</summary>
    public required bool PmcrNWritableByUserspace { get; init; }

    /// <summary>R2: userspace may lower ID_AA64PFR0_EL1.EL2 (<c>el2=off</c>); 6.1 refuses it.</summary>
    public required bool El2FieldLowerable { get; init; }

    /// <summary>Section 8: vCPUs with HAS_EL2 (a guest hypervisor, <c>nested=on</c>) exist.</summary>
    public required bool HasNested { get; init; }

    /// <summary>KD7's face: the first run applies the P and C bits a SET_ONE_REG of PMCR stored (6.12).</summary>
    public required bool FirstRunAppliesRestoredPmcrUnderKd7 { get; init; }

    /// <summary>Section 13: the known deviations the ledger lists for this profile's kernels.</summary>
    public DeviationSet Deviations => DeviationLedger.ForProfile(Profile);

    public static readonly ProfileRules V6_1 = new()
    {
        Profile = KernelProfile.V6_1,
        FilterSpaceFrom = PmuVerSource.HostPmuVer,
        GuestEventMaskFrom = PmuVerSource.HostPmuVer,
        GuestPmuVer = GuestPmuVerPolicy.FixedAtMinOfHostAndV3P4,
        PmuVerZeroHidesPmu = false,
        ForcedPmceid0Events = [],
        HiddenPmceid1Events = [Events.StallSlot],
        HidesPmceid1FromHostPmuVer = PmuVersion.V3P4,
        EventTypeMask = EventTypeMaskRule.Fixed,
        ExceptionLevels = ExceptionLevelRule.UAndPOnly,
        EventCounters64Bit = false,
        HypInterruptSplit = false,
        PmcrResetValue = 0xAC,
        PmcrShowsHostId = true,
        FirstRunAppliesResetPmcr = true,
        HasSetNrCounters = false,
        SetPmuResetsCounters = false,
        PmcrNWritableByUserspace = false,
        El2FieldLowerable = false,
        HasNested = false,
        FirstRunAppliesRestoredPmcrUnderKd7 = true,
    };

    public static readonly ProfileRules V6_12 = new()
    {
        Profile = KernelProfile.V6_12,
        FilterSpaceFrom = PmuVerSource.HostLimit,
        GuestEventMaskFrom = PmuVerSource.GuestPmuVer,
        GuestPmuVer = GuestPmuVerPolicy.HostLimitLowerSafe,
        PmuVerZeroHidesPmu = false,
        ForcedPmceid0Events = [Events.Chain],
        HiddenPmceid1Events = [Events.StallSlotBackend, Events.StallSlotFrontend, Events.StallSlot],
        HidesPmceid1FromHostPmuVer = 0,
        EventTypeMask = EventTypeMaskRule.ByGuestIdFields,
        ExceptionLevels = ExceptionLevelRule.NonSecureTwins,
        EventCounters64Bit = true,
        HypInterruptSplit = false,
        PmcrResetValue = 0,
        PmcrShowsHostId = false,
        FirstRunAppliesResetPmcr = false,
        HasSetNrCounters = false,
        SetPmuResetsCounters = true,
        PmcrNWritableByUserspace = true,
        El2FieldLowerable = true,
        HasNested = false,
        FirstRunAppliesRestoredPmcrUnderKd7 = true,
    };

    public static readonly ProfileRules V7_2 = V6_12 with
    {
        Profile = KernelProfile.V7_2,
        PmuVerZeroHidesPmu = true,
        ForcedPmceid0Events = [Events.Chain, Events.SwIncr],
        HypInterruptSplit = true,
        HasSetNrCounters = true,
        HasNested = true,
        FirstRunAppliesRestoredPmcrUnderKd7 = false,
    };

    public static ProfileRules Of(KernelProfile profile) => profile switch
    {
        KernelProfile.V6_1 => V6_1,
        KernelProfile.V6_12 => V6_12,
        KernelProfile.V7_2 => V7_2,
        _ => throw new ArgumentOutOfRangeException(nameof(profile)),
    };
}
