namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:swincr-ignores-pmcr-e</c>: PMSWINC checks PMCNTENSET but not PMCR_EL0.E, so SW_INCR
/// counters count while the PMU is disabled (C6).
/// </summary>
public struct SwIncrIgnoresPmcrE : IEmulatorPolicy
{
    /// <summary>The defect: the targets as if PMCR_EL0.E were always set.</summary>
    static ulong IEmulatorPolicy.SoftwareIncrementTargets(ulong written, ulong enabled, ulong swIncrCounters, bool pmcrEnabled) =>
        CorrectPolicy.SoftwareIncrementTargets(written, enabled, swIncrCounters, pmcrEnabled: true);
}
