using PmuConformance.Scenarios;
using static PmuConformance.SystemUnderTest.EventTypeFields;

namespace PmuConformance.SystemUnderTest;

/// <summary>
/// The emulator's answers to the decisions of <see cref="IEmulatorPolicy"/>, as behaviour.md states
/// them (profile 7.2): the emulator proper (<see cref="EmulatorTarget"/>) runs with this policy, and
/// each defect variant takes every answer here but one. The rest of the emulator's logic is in
/// <see cref="EmulatorVm{TPolicy}"/> and <see cref="EmulatorVcpu{TPolicy}"/>.
/// </summary>
public struct CorrectPolicy : IEmulatorPolicy
{
    /// <summary>E1, the version-to-mask table.</summary>
    public static ushort EventMask(byte pmuVer) => pmuVer switch
    {
        PmuVersion.Imp => 0x3FF,
        PmuVersion.V3P1 or PmuVersion.V3P4 or PmuVersion.V3P5 or PmuVersion.V3P7 => 0xFFFF,
        _ => 0, // E1: every other value, the kernel warns once
    };

    /// <summary>E2, F9: the version's mask as it is, so a 10-bit guest keeps 10 event bits and its filter space is 1024 events.</summary>
    public static ushort AppliedEventMask(ushort eventMask) => eventMask;

    /// <summary>
    /// B5: the filter is looked up with the selected event (C1), which the guest mask keeps inside
    /// the bitmap; for the cycle counter that is CPU_CYCLES (C2), never PMCCFILTR's event bits.
    /// </summary>
    public static uint FilterEvent(int counter, ulong guestEventType, ushort eventMask) =>
        SelectedEvent.Of(counter, guestEventType, eventMask);

    /// <summary>C2: the filter acts only on hardware event counting; C6 and C7 ignore it.</summary>
    public static bool FilterApplies(CountingPath path) => path == CountingPath.HardwareEvents;

    /// <summary>
    /// C2, C4: excluded at EL0 and EL1 means U and P set with NSU and NSK clear (U == NSU or P == NSK
    /// would count); NSH clear too, as in every hardware value (the guest never runs at EL2).
    /// </summary>
    public static ulong ExcludedEverywhere(ulong hardwareType) => (hardwareType | P | U) & ~(Nsk | Nsu | Nsh);

    /// <summary>
    /// N2: vEL2 runs at physical EL1, so in a hyp context EL1 counts when CountsAtEL2 holds (C4): NSH
    /// set and HPMD not stopping the counter. The guest's P and NSK play no part.
    /// </summary>
    public static ulong HypEl1Bits(ulong guestEventType, bool hpmdStops) =>
        (guestEventType & Nsh) != 0 && !hpmdStops ? 0 : P;

    /// <summary>N2: entering or leaving vEL2 changes what physical EL1 means for every counter.</summary>
    public static bool ReprogramsOnHypTransition(bool wasHyp, bool isHyp) => wasHyp != isHyp;

    /// <summary>
    /// C6: nothing without PMCR_EL0.E (hyp counters included); otherwise every written, enabled
    /// SW_INCR counter. The filter and the EL bits play no part.
    /// </summary>
    public static ulong SoftwareIncrementTargets(ulong written, ulong enabled, ulong swIncrCounters, bool pmcrEnabled) =>
        pmcrEnabled ? written & enabled & swIncrCounters : 0;

    /// <summary>C7: all of them: an even counter's overflow feeds its CHAIN neighbour whatever incremented it.</summary>
    public static ulong ChainedSoftwareIncrementOverflows(ulong overflowed) => overflowed;

    /// <summary>
    /// P4: the filter bits of events [first, first + 32) in the low half; those of 0x4000 + first
    /// onwards in the high half only when the guest's event space reaches past them.
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

    /// <summary>F5: only until a vCPU of the VM has run.</summary>
    public static bool MayInstallFilter(bool anyVcpuHasRun) => !anyVcpuHasRun;
}
