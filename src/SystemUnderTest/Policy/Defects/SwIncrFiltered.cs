namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:swincr-filtered</c>: PMSWINC increments of SW_INCR counters obey the filter: when
/// SW_INCR (event 0) is denied, PMSWINC changes nothing (C6 says the filter is ignored).
/// </summary>
public struct SwIncrFiltered : IEmulatorPolicy
{
    /// <summary>The defect: PMSWINC consults the filter bit of its counters' event, SW_INCR; CHAIN still does not.</summary>
    static bool IEmulatorPolicy.FilterApplies(CountingPath path) => path != CountingPath.Chain;
}
