using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest.Defects;

namespace PmuConformance.SystemUnderTest;

/// <summary>
/// One known defect as an emulator variant: the correct emulator with one policy decision wrong
/// (<see cref="IEmulatorPolicy"/>). <see cref="Rules"/> are the behaviour.md ids it violates.
/// </summary>
public sealed record DefectVariant(string Name, string Description, IReadOnlyList<string> Rules, Func<ITarget> Create)
{
    /// <summary>The <c>--target</c> name: <c>emulator:&lt;name&gt;</c>.</summary>
    public string TargetName => DefectCatalog.Prefix + Name;
}

/// <summary>
/// The known defects (issue 5), selectable as <c>--target emulator:&lt;name&gt;</c> and checked by
/// <c>pmuconf check --defects</c>, the properties in properties/Defects and the fuzz smoke script.
/// Each is a struct policy in Policy/Defects that answers one decision of
/// <see cref="IEmulatorPolicy"/> wrongly; the emulator is generic over it, so the correct emulator
/// pays for no defect. A repro of each lives in corpora/defects/&lt;name&gt;.pmu.
/// </summary>
public static class DefectCatalog
{
    public const string Prefix = EmulatorTarget.TargetName + ":";

    public static IReadOnlyList<DefectVariant> All { get; } =
    [
        Variant<CycleCounterAsSwIncr>("cycle-counter-as-swincr",
            "the cycle counter's filter decision uses event 0 instead of CPU_CYCLES (0x11)", "C2"),
        Variant<SwIncrFiltered>("swincr-filtered",
            "PMSWINC increments of SW_INCR counters obey the filter", "C6"),
        Variant<PmceidUnfiltered>("pmceid-unfiltered",
            "PMCEID0/1 are the host values, not masked by the filter", "P4"),
        Variant<EventWidth16Bit>("event-width-16bit",
            "guest event numbers are not masked to 10 bits on a PMUv3p0 guest; the filter space ignores the version", "E2", "F9"),
        Variant<FilterAfterRun>("filter-after-run",
            "filters can still be installed after a vCPU has run (no EBUSY), changing PMCEID and counting", "F5", "L2"),
        Variant<EventMaskMissingV3P5>("event-mask-missing-v3p5",
            "the version-to-mask table lacks V3P5, so the mask is 0 and every event reads as SW_INCR", "E1"),
        Variant<SwIncrIgnoresPmcrE>("swincr-ignores-pmcr-e",
            "PMSWINC checks PMCNTENSET but not PMCR.E", "C6"),
        Variant<ChainSwIncrNoPropagate>("chain-swincr-no-propagate",
            "a SW_INCR overflow of an even counter does not increment its CHAIN neighbour", "C7"),
        Variant<HypUsesEl1Bit>("hyp-uses-el1-bit",
            "in a hyp context the hardware EL1 exclusion follows the guest's P bit instead of NSH/HPMD", "N2", "C4"),
        Variant<HypIgnoresHpmd>("hyp-ignores-hpmd",
            "MDCR_EL2.HPMD is ignored in a hyp context", "C4"),
        Variant<HypNoRecompile>("hyp-no-recompile",
            "hardware event types are not recomputed on nested transitions, only at vcpu_load", "N2"),
        Variant<FilterIndexRawEvtyper>("filter-index-raw-evtyper",
            "the filter is looked up with the whole PMEVTYPER value (exclude bits included)", "B5", "C2"),
        Variant<ExcludeSetsNsk>("exclude-sets-nsk",
            "\"exclude everywhere\" also sets NSK/NSU, which makes P == NSK count at EL1", "C2", "C4"),
        Variant<HypClearsPOnlyIfNsh>("hyp-clears-p-only-if-nsh",
            "in a hyp context P is cleared when NSH = 1, but NSH = 0 with P = 0 still counts at vEL2", "N2", "C4"),
        Variant<SwIncrChainGetExcludeBits>("swincr-chain-get-exclude-bits",
            "SW_INCR and CHAIN counters get exclude bits from a default-deny bitmap", "C6", "C7"),
    ];

    /// <summary>The variant called <paramref name="name"/> (without the <c>emulator:</c> prefix), or null.</summary>
    public static DefectVariant? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    private static DefectVariant Variant<TPolicy>(string name, string description, params string[] rules)
        where TPolicy : struct, IEmulatorPolicy =>
        new(name, description, rules, () => new EmulatorTarget<TPolicy>(Prefix + name));
}
