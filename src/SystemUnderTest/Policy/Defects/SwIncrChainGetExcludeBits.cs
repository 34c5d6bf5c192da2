namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:swincr-chain-get-exclude-bits</c>: SW_INCR and CHAIN counters get exclude bits from
/// the filter (a default-deny bitmap denies events 0 and 0x1E), and the emulated increments honour
/// them, though C6 and C7 never filter (behaviour.md section 11 defect 6).
/// </summary>
public struct SwIncrChainGetExcludeBits : IEmulatorPolicy
{
    /// <summary>The defect: software counters are filtered like hardware-backed ones.</summary>
    static bool IEmulatorPolicy.FilterApplies(CountingPath path) => true;
}
