namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:hyp-clears-p-only-if-nsh</c>: In a hyp context P is cleared when NSH = 1, but
/// otherwise the guest's P (and NSK) stay, so NSH = 0 with P = 0 still counts at vEL2, and HPMD is
/// lost (N2, C4; behaviour.md section 11 defect 4).
/// </summary>
public struct HypClearsPOnlyIfNsh : IEmulatorPolicy
{
    /// <summary>The defect: the decision looks at NSH alone; without it the guest's EL1 bits are kept.</summary>
    static ulong IEmulatorPolicy.HypEl1Bits(ulong guestEventType, bool hpmdStops) =>
        (guestEventType & EventTypeFields.Nsh) != 0 ? 0 : guestEventType & (EventTypeFields.P | EventTypeFields.Nsk);
}
