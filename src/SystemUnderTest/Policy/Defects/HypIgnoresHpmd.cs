namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:hyp-ignores-hpmd</c>: MDCR_EL2.HPMD is ignored in a hyp context: non-hyp counters
/// with NSH still count at vEL2 (C4).
/// </summary>
public struct HypIgnoresHpmd : IEmulatorPolicy
{
    /// <summary>The defect: NSH alone decides; HPMD never stops a counter.</summary>
    static ulong IEmulatorPolicy.HypEl1Bits(ulong guestEventType, bool hpmdStops) =>
        CorrectPolicy.HypEl1Bits(guestEventType, hpmdStops: false);
}
