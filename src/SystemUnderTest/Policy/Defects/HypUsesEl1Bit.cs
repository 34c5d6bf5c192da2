namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:hyp-uses-el1-bit</c>: In a hyp context the hardware EL1 exclusion follows the
/// guest's P bit (and NSK) instead of NSH/HPMD, though vEL2 runs at EL1 (N2, C4; behaviour.md
/// section 11 defect 3, the seed review).
/// </summary>
public struct HypUsesEl1Bit : IEmulatorPolicy
{
    /// <summary>The defect: the EL1 bits are copied from the guest's P and NSK, as outside a hyp context.</summary>
    static ulong IEmulatorPolicy.HypEl1Bits(ulong guestEventType, bool hpmdStops) =>
        guestEventType & (EventTypeFields.P | EventTypeFields.Nsk);
}
