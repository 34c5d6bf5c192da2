namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:hyp-no-recompile</c>: Hardware event types are not recomputed on nested transitions
/// (enter/exit vEL2), only at vcpu_load and register writes (N2; behaviour.md section 11 defect 5).
/// </summary>
public struct HypNoRecompile : IEmulatorPolicy
{
    /// <summary>The defect: entering or leaving vEL2 keeps the previous context's EL1 bits.</summary>
    static bool IEmulatorPolicy.ReprogramsOnHypTransition(bool wasHyp, bool isHyp) => false;
}
