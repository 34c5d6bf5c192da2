namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:swincr-ignores-pmcr-e</c>: PMSWINC checks PMCNTENSET but not PMCR_EL0.E, so SW_INCR
/// counters count while the PMU is disabled (C6).
/// </summary>
public struct SwIncrIgnoresPmcrE : IEmulatorPolicy
{
    /// <summary>The defect: no PMCR_EL0.E check.</summary>
    public static bool SoftwareIncrementNeedsPmcrE => false;
}
