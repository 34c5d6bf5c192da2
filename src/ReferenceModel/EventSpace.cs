using PmuConformance.Scenarios;

namespace PmuConformance.ReferenceModel;

/// <summary>Event widths and the accepted event space (behaviour.md section 4 and F9).</summary>
public static class EventSpace
{
    /// <summary>E1: the event-number mask of a PMU version.</summary>
    public static ushort EventMask(byte pmuVer) => pmuVer switch
    {
        PmuVersion.Imp => 0x3FF,
        PmuVersion.V3P1 or PmuVersion.V3P4 or PmuVersion.V3P5 or PmuVersion.V3P7 => 0xFFFF,
        _ => 0, // the kernel warns once; every event then reads as SW_INCR
    };

    /// <summary>
    /// The host's PMU as KVM sees it: a PMUVer of 0 or IMP_DEF means KVM offers no PMUv3 to guests
    /// (interpretation: vCPUs then behave as if created without the PMUv3 feature, F1).
    /// </summary>
    public static bool HostHasPmu(HostSpec host) =>
        host.PmuVer != PmuVersion.None && host.PmuVer != PmuVersion.ImpDef;

    /// <summary>F9: the host limit, min(host PMUVer, V3P5), with IMP_DEF counted as no PMU.</summary>
    public static byte HostLimit(HostSpec host) =>
        host.PmuVer == PmuVersion.ImpDef ? PmuVersion.None : Math.Min(host.PmuVer, PmuVersion.V3P5);

    /// <summary>F9: the number of events a filter range may cover.</summary>
    public static uint FilterSpace(ProfileRules profile, HostSpec host) =>
        EventMask(Version(profile.FilterSpaceFrom, host, guestPmuVer: PmuVersion.None)) + 1u;

    /// <summary>E3: the guest's PMUVer before userspace changes it.</summary>
    public static byte DefaultGuestPmuVer(ProfileRules profile, HostSpec host, bool vmHasPmu)
    {
        if (!vmHasPmu)
        {
            return PmuVersion.None;
        }
        return profile.GuestPmuVer == GuestPmuVerPolicy.FixedAtMinOfHostAndV3P4
            ? Math.Min(host.PmuVer, PmuVersion.V3P4)
            : HostLimit(host);
    }

    /// <summary>E2: the mask applied to guest event numbers.</summary>
    public static ushort GuestEventMask(ProfileRules profile, HostSpec host, byte guestPmuVer) =>
        EventMask(Version(profile.GuestEventMaskFrom, host, guestPmuVer));

    /// <summary>The PMU version a profile's F9 or E2 row names.</summary>
    private static byte Version(PmuVerSource source, HostSpec host, byte guestPmuVer) => source switch
    {
        PmuVerSource.HostPmuVer => host.PmuVer,
        PmuVerSource.HostLimit => HostLimit(host),
        PmuVerSource.GuestPmuVer => guestPmuVer,
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };
}
