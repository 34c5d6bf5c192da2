namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:filter-after-run</c>: Filters can still be installed after a vCPU has run (no
/// EBUSY), and the late filter changes PMCEID and counting (F5, L2, P5).
/// </summary>
public struct FilterAfterRun : IEmulatorPolicy
{
    /// <summary>The defect: a filter is always welcome.</summary>
    static bool IEmulatorPolicy.MayInstallFilter(bool anyVcpuHasRun) => true;
}
