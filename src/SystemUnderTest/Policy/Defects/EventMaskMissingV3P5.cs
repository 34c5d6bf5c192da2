using PmuConformance.Scenarios;
namespace PmuConformance.SystemUnderTest.Defects;

/// <summary>
/// <c>emulator:event-mask-missing-v3p5</c>: The version-to-mask table lacks V3P5, so its mask is 0:
/// the filter space is one event and every guest event reads as SW_INCR (E1).
/// </summary>
public struct EventMaskMissingV3P5 : IEmulatorPolicy
{
    /// <summary>The defect: V3P5 falls into the "other value" case of E1.</summary>
    public static ushort EventMask(byte pmuVer) => pmuVer switch
    {
        PmuVersion.Imp => 0x3FF,
        PmuVersion.V3P1 or PmuVersion.V3P4 or PmuVersion.V3P7 => 0xFFFF,
        _ => 0,
    };
}
