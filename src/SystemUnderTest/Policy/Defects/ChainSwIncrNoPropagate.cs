namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:chain-swincr-no-propagate</c>: A SW_INCR increment that overflows an even counter
/// does not increment its CHAIN neighbour (C7, C6).
/// </summary>
public struct ChainSwIncrNoPropagate : IEmulatorPolicy
{
    /// <summary>The defect: no overflow from PMSWINC goes on to CHAIN.</summary>
    static ulong IEmulatorPolicy.ChainedSoftwareIncrementOverflows(ulong overflowed) => 0;
}
