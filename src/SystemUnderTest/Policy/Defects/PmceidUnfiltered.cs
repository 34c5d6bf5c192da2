namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:pmceid-unfiltered</c>: PMCEID0/1 are the host's values (after the forced and hidden
/// bits), never masked by the filter (P4).
/// </summary>
public struct PmceidUnfiltered : IEmulatorPolicy
{
    /// <summary>The defect: the filter's mask is all ones, so a denied event stays visible.</summary>
    static ulong IEmulatorPolicy.PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask) => ulong.MaxValue;
}
