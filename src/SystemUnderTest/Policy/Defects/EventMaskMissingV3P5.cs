using PmuConformance.Scenarios;
namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:event-mask-missing-v3p5</c>: The version-to-mask table lacks V3P5, so its mask is 0:
/// the filter space is one event and every guest event reads as SW_INCR (E1).
/// </summary>
public struct EventMaskMissingV3P5 : IEmulatorPolicy
{
    /// <summary>The defect: V3P5 falls into the "other value" case of E1.</summary>
    static ushort IEmulatorPolicy.EventMask(byte pmuVer) => pmuVer == PmuVersion.V3P5 ? (ushort)0 : CorrectPolicy.EventMask(pmuVer);
}
