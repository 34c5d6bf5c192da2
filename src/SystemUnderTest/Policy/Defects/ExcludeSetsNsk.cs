namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:exclude-sets-nsk</c>: "Exclude everywhere" also sets NSK/NSU, and P == NSK means
/// count at EL1 (U == NSU at EL0), so a denied event still counts (C2, C4; behaviour.md section 11
/// defect 2).
/// </summary>
public struct ExcludeSetsNsk : IEmulatorPolicy
{
    /// <summary>The defect: NSK and NSU are set along with P and U.</summary>
    static ulong IEmulatorPolicy.ExcludedEverywhere(ulong hardwareType) =>
        hardwareType | EventTypeFields.P | EventTypeFields.U | EventTypeFields.Nsk | EventTypeFields.Nsu;
}
