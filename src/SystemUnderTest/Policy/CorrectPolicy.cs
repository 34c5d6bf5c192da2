using PmuConformance.Scenarios;

namespace PmuConformance.SystemUnderTest;

/// <summary>Every decision as behaviour.md states it (profile 7.2). The emulator proper.</summary>
public struct CorrectPolicy : IEmulatorPolicy
{
    public static ushort EventMask(byte pmuVer) => pmuVer switch
    {
        PmuVersion.Imp => 0x3FF,
        PmuVersion.V3P1 or PmuVersion.V3P4 or PmuVersion.V3P5 or PmuVersion.V3P7 => 0xFFFF,
        _ => 0, // E1: every other value, the kernel warns once
    };

    public static ushort SelectionMask(ushort guestEventMask) => guestEventMask;

    /// <summary>F9: EventMask(host limit) + 1; it does not follow a guest PMUVer lowered by userspace.</summary>
    public static uint FilterSpace(byte hostLimit) => EventMask(hostLimit) + 1u;

    public static uint FilterLookupIndex(ulong guestEventType, uint selectedEvent) => selectedEvent;

    public static uint CycleCounterFilterEvent(ulong guestPmccfiltr) => Events.CpuCycles;

    /// <summary>P and U set, NSK/NSU/NSH clear: P != NSK and U != NSU, so neither EL0 nor EL1 counts.</summary>
    public static ulong ExcludeEverywhere(ulong hardwareType) =>
        (hardwareType | EventTypeFields.P | EventTypeFields.U)
        & ~(EventTypeFields.Nsk | EventTypeFields.Nsu | EventTypeFields.Nsh);

    public static bool HypEl1FromEl2Controls => true;

    /// <summary>vEL2 runs at EL1: P clear when vEL2 counts, set when it does not; NSK clear.</summary>
    public static ulong HypEl1Bits(ulong hardwareType, bool countsAtEl2, ulong guestEventType) =>
        countsAtEl2
            ? hardwareType & ~(EventTypeFields.P | EventTypeFields.Nsk)
            : (hardwareType | EventTypeFields.P) & ~EventTypeFields.Nsk;

    public static bool UsesHpmd => true;

    public static bool ReprogramsOnHypTransition => true;

    public static bool FiltersSoftwareCounters => false;

    public static bool SoftwareIncrementChecksFilter => false;

    public static bool SoftwareIncrementNeedsPmcrE => true;

    public static bool SoftwareIncrementOverflowChains => true;

    /// <summary>
    /// P4: low bit k is filter[first + k]; high bit 32 + k is filter[0x4000 + first + k] only if the
    /// guest's event space reaches that far, else 0.
    /// </summary>
    public static ulong PmceidFilterMask(FilterBitmap filter, uint firstEvent, ushort guestEventMask)
    {
        ulong mask = filter.Bits32(firstEvent);
        if ((uint)guestEventMask + 1 >= 0x4000 + firstEvent + 32)
        {
            mask |= (ulong)filter.Bits32(0x4000 + firstEvent) << 32;
        }
        return mask;
    }

    public static bool RefusesFilterAfterRun => true;
}
