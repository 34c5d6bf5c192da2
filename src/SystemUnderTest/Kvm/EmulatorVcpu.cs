using System.Numerics;
using PmuConformance.Scenarios;
using static PmuConformance.SystemUnderTest.CounterMask;

namespace PmuConformance.SystemUnderTest;

/// <summary>
/// KVM's side of one vCPU's partitioned PMU (profile 7.2). The guest's registers are virtual: the
/// guest reads back exactly what it stored. While the vCPU is loaded its counts and overflow bits
/// live in the <see cref="PmuHardware"/> of its physical CPU, and each counter's hardware event-type
/// value is derived (<see cref="HardwareEventType"/>) from the guest's value, the filter, the EL
/// rules and the current context; every input change re-derives what it affects. SW_INCR and CHAIN
/// counters are never backed by a hardware event: KVM increments them itself. The decisions the
/// design has got wrong before are asked of <typeparamref name="TPolicy"/> where their rule applies
/// (<see cref="IEmulatorPolicy"/>; <see cref="CorrectPolicy"/> for the emulator proper).
/// </summary>
public sealed class EmulatorVcpu<TPolicy>
    where TPolicy : struct, IEmulatorPolicy
{
    /// <summary>R6: KVM fills registers the architecture leaves UNKNOWN from this pattern.</summary>
    private const ulong ResetPattern = 0x1de7ec7edbadc0de;

    private readonly EmulatorVm<TPolicy> vm;

    /// <summary>The PMU of the physical CPU this vCPU runs on, from its first run; holds the counts while loaded.</summary>
    private PmuHardware hardware = null!;

    // Guest-visible registers. Index 0-30: PMEVTYPER<n> / PMEVCNTR<n>; 31: PMCCFILTR / PMCCNTR.
    private PerCounter eventType;
    private PerCounter savedCounter; // the counts while put
    private ulong savedOverflow;                           // PMOVSSET while put
    private ulong pmcr, enableSet, interruptSet, select, hpmn;
    private bool hpme, hpmd, hlp;
    private bool inHyp, hasRun, loaded;
    private bool started; // has run since its last reset (L4)

    // Fixed from the first run (the VM is frozen then, and guest steps only come after it),
    // except N, which SET_NR_COUNTERS may still change.
    private int counters;
    private bool nested, registersUndefined, lpAllowed;
    private ulong evtyperMask, wideCounters;
    private ushort selectionMask;

    // Derived from the registers, kept up to date by the writes that change them.
    private ulong swIncrCounters, chainCounters; // event counters selecting SW_INCR / CHAIN
    private ulong chainFeeders;                  // even counters whose overflow increments a CHAIN neighbour

    /// <param name="index">The vCPU's number: the VMM lowers el2=off / el3=off right after vCPU 0's INIT.</param>
    public EmulatorVcpu(EmulatorVm<TPolicy> vm, int index)
    {
        this.vm = vm;
        // R6: vCPU 0 is reset with KVM's default ID registers (EL2 set, a nested VM's EL3 = IMP);
        // the later vCPUs with the fields userspace lowered after vCPU 0's INIT.
        var defaults = index == 0;
        Reset(guestEl2Field: defaults || vm.Setup.Vm.El2, guestEl3Field: vm.Setup.Vm.El3 || (defaults && vm.Setup.Vm.Nested));
    }

    /// <summary>L1: INIT has created this vCPU's PMU.</summary>
    public bool PmuInitialised { get; set; }

    /// <summary>I1: the interrupt set on this vCPU, null until one is.</summary>
    public uint? Irq { get; set; }

    /// <summary>
    /// R6: what the guest reads at its first instruction. The event types are masked when the vCPU
    /// is reset: at creation its EL2 field is still the host's (set), even if userspace lowers it later.
    /// </summary>
    private void Reset(bool guestEl2Field, bool guestEl3Field)
    {
        var resetTypeMask = EvtyperMask(vm.GuestEventMask, guestEl2Field, guestEl3Field);
        for (var i = 0; i < Cycle; i++)
        {
            savedCounter[i] = ResetPattern & 0xFFFFFFFF;
            eventType[i] = ResetPattern & resetTypeMask;
        }
        savedCounter[Cycle] = ResetPattern;
        eventType[Cycle] = 0;
        var implemented = Below(vm.Counters) | CycleBit;
        enableSet = ResetPattern & implemented;
        interruptSet = ResetPattern & implemented;
        savedOverflow = ResetPattern & implemented;
        select = ResetPattern & 0x1F;
        pmcr = vm.Setup.Host.AArch32 ? 0 : PmcrFields.LC; // O2
        ResetHpmn();
        hpme = hpmd = hlp = false; // MDCR_EL2 resets to HPMN = N, the other fields 0 (L4)
    }

    /// <summary>N1: HPMN resets to N.</summary>
    private void ResetHpmn() => hpmn = (ulong)vm.Counters;

    /// <summary>
    /// SET_NR_COUNTERS changed N (possibly after the run): HPMN follows it (N1), and a vCPU that has
    /// run adopts it; if loaded, the hardware is reprogrammed for the new set of counters.
    /// </summary>
    public void CounterCountChanged()
    {
        ResetHpmn();
        if (!hasRun)
        {
            return;
        }
        AdoptCounterCount();
        if (loaded)
        {
            ProgramEventTypes();
            ProgramControls();
        }
    }

    /// <summary>
    /// R3, R6 (observed on 7.2, as the model has it): KVM reloads a vCPU's PMU at its first run and on
    /// a PMCR write that changes E, and a reload trims the enable, interrupt and overflow sets to the
    /// implemented counters; between reloads, bits above a lowered N stay readable. Returns the
    /// overflow set trimmed likewise (it may live in the hardware or in the saved state).
    /// </summary>
    private ulong TrimToImplemented(ulong overflow)
    {
        enableSet &= Implemented;
        interruptSet &= Implemented;
        return overflow & Implemented;
    }

    /// <summary>Takes the VM's N and works out which of its counters KVM counts itself (SW_INCR, CHAIN).</summary>
    private void AdoptCounterCount()
    {
        counters = vm.Counters;
        swIncrCounters = 0;
        chainCounters = 0;
        for (var i = 0; i < counters; i++)
        {
            UpdateSoftwareCounter(i); // counters at or above N are never enabled nor incremented
        }
    }

    /// <summary>R2: the stored bits of PMEVTYPER/PMCCFILTR, given the guest's ID_AA64PFR0_EL1.EL2 and EL3 fields.</summary>
    private ulong EvtyperMask(ushort guestEventMask, bool guestEl2Field, bool guestEl3Field)
    {
        var mask = EventTypeFields.P | EventTypeFields.U | TPolicy.AppliedEventMask(guestEventMask);
        if (guestEl2Field)
        {
            mask |= EventTypeFields.Nsh;
        }
        if (guestEl3Field)
        {
            mask |= EventTypeFields.Nsk | EventTypeFields.Nsu | EventTypeFields.M;
        }
        return mask;
    }

    /// <summary>
    /// B5, C2: the VM's filter changed. A loaded vCPU's hardware values are derived again; a put one
    /// gets them at its next vcpu_load. (While F5 holds no vCPU is loaded when the filter changes.)
    /// </summary>
    public void FilterChanged()
    {
        if (loaded)
        {
            ProgramEventTypes();
        }
    }

    /// <summary>
    /// L4: KVM_ARM_VCPU_INIT again: the registers get their reset values (event types masked with
    /// the VM's ID registers now); the hardware gives its counts back first, and the next run loads
    /// the fresh values (and starts a nested vCPU at vEL2 again).
    /// </summary>
    public void ResetVcpu()
    {
        if (loaded)
        {
            Put();
        }
        Reset(vm.Setup.Vm.El2, vm.Setup.Vm.El3);
        started = false;
        inHyp = false;
        if (hasRun)
        {
            AdoptCounterCount(); // the SW_INCR and CHAIN sets follow the reset event types
        }
    }

    /// <summary>KVM_RUN succeeded: the first run fixes the VM constants; running loads the vCPU.</summary>
    public void Run()
    {
        if (!started)
        {
            started = true;
            inHyp = vm.Setup.Vm.Nested; // N2: a guest hypervisor starts at vEL2
        }
        if (!hasRun)
        {
            hasRun = true;
            hardware = new PmuHardware();
            nested = vm.Setup.Vm.Nested;
            registersUndefined = !vm.HasPmu || vm.PmuHidden; // E3 (7.2)
            lpAllowed = vm.GuestPmuVer >= PmuVersion.V3P5;                        // O2
            wideCounters = vm.GuestPmuVer >= PmuVersion.V3P5 ? ulong.MaxValue : CycleBit; // O1
            evtyperMask = EvtyperMask(vm.GuestEventMask, vm.Setup.Vm.El2, vm.Setup.Vm.El3);
            selectionMask = TPolicy.AppliedEventMask(vm.GuestEventMask);
            AdoptCounterCount();
            savedOverflow = TrimToImplemented(savedOverflow);
        }
        if (!loaded)
        {
            Load();
        }
    }

    public Outcome Apply(GuestStep step)
    {
        switch (step)
        {
            case EventsStep e:
                return HardwareEvents(e.Event, e.Count, e.El);
            case WriteStep w:
                return Write(w.Register, w.Value);
            case ReadStep r:
                return Read(r.Register);
            case SwincStep s:
                return SoftwareIncrement(s.Mask);
            case EnterHypStep:
                SetHypContext(true);
                return Outcome.Nothing;
            case ExitHypStep:
                SetHypContext(false);
                return Outcome.Nothing;
            case PutStep:
                Put();
                return Outcome.Nothing;
            case LoadStep:
                Load();
                return Outcome.Nothing;
            default:
                throw new ArgumentException($"unknown guest step {step}", nameof(step));
        }
    }

    // ---------------------------------------------------------------- scheduling

    /// <summary>vcpu_load: the saved counts go into the hardware and every hardware value is derived afresh.</summary>
    private void Load()
    {
        hardware.Restore(savedCounter, savedOverflow);
        ProgramEventTypes();
        ProgramControls();
        loaded = true;
    }

    /// <summary>vcpu_put: the hardware's counts are saved and it goes back to the host.</summary>
    private void Put()
    {
        savedOverflow = hardware.Release(savedCounter);
        loaded = false;
    }

    /// <summary>N2: entering or leaving vEL2 changes what physical EL1 means for every counter.</summary>
    private void SetHypContext(bool hyp)
    {
        var wasHyp = inHyp;
        inHyp = hyp;
        if (TPolicy.ReprogramsOnHypTransition(wasHyp, hyp))
        {
            ProgramEventTypes();
        }
    }

    // ---------------------------------------------------------------- counter sets (sections 5, 8)

    private ulong Implemented => Below(counters) | CycleBit;

    /// <summary>N3: outside vEL2 a nested guest sees N = HPMN.</summary>
    private int VisibleCounters => nested && !inHyp ? (int)hpmn : counters;

    /// <summary>N3: the counters the guest may touch now.</summary>
    private ulong Accessible => Below(VisibleCounters) | CycleBit;

    /// <summary>N1: [HPMN, N) in a nested VM when HPMN &lt; N; never the cycle counter.</summary>
    private ulong HypCounters => nested && hpmn < (ulong)counters ? Below(counters) & ~Below((int)hpmn) : 0;

    private bool PmcrEnabled => (pmcr & PmcrFields.E) != 0;

    /// <summary>C1, C2: whether event counter <paramref name="i"/> selects SW_INCR or CHAIN (KVM counts those).</summary>
    private void UpdateSoftwareCounter(int i)
    {
        var bit = 1UL << i;
        var e = SelectedEvent.Of(i, eventType[i], selectionMask);
        swIncrCounters = e == Events.SwIncr ? swIncrCounters | bit : swIncrCounters & ~bit;
        chainCounters = e == Events.Chain ? chainCounters | bit : chainCounters & ~bit;
    }

    // ---------------------------------------------------------------- deriving the hardware

    /// <summary>Derives every implemented counter's hardware event-type value.</summary>
    private void ProgramEventTypes()
    {
        for (var i = 0; i < counters; i++)
        {
            hardware.WriteEventType(i, HardwareEventType(i));
        }
        hardware.WriteEventType(Cycle, HardwareEventType(Cycle));
    }

    /// <summary>
    /// The hardware event-type value of counter <paramref name="i"/>: the selected event (C1); EL0
    /// bits as the guest wrote them (the hardware applies U == NSU itself); EL1 bits from the guest's
    /// EL1 controls, or in a hyp context from its EL2 controls, since vEL2 runs at EL1 (C4, N2);
    /// never NSH (the guest never runs at EL2). A filtered counter is excluded everywhere (C2).
    /// </summary>
    private ulong HardwareEventType(int i)
    {
        var guest = eventType[i];
        var selected = SelectedEvent.Of(i, guest, selectionMask);
        var hw = selected | (guest & (EventTypeFields.U | EventTypeFields.Nsu));
        hw |= inHyp
            ? TPolicy.HypEl1Bits(guest, HpmdStops(i))
            : guest & (EventTypeFields.P | EventTypeFields.Nsk);
        return Filtered(i, PathOf(selected)) ? TPolicy.ExcludedEverywhere(hw) : hw;
    }

    /// <summary>C2: SW_INCR and CHAIN counters are never backed by a hardware event: KVM counts them (C6, C7).</summary>
    private static CountingPath PathOf(uint selectedEvent) => selectedEvent switch
    {
        Events.SwIncr => CountingPath.SoftwareIncrement,
        Events.Chain => CountingPath.Chain,
        _ => CountingPath.HardwareEvents,
    };

    /// <summary>B5, C2: whether the filter stops counter <paramref name="i"/> when it advances by <paramref name="path"/>.</summary>
    private bool Filtered(int i, CountingPath path) =>
        TPolicy.FilterApplies(path) && !vm.Allowed(TPolicy.FilterEvent(i, eventType[i], selectionMask));

    /// <summary>C4: MDCR_EL2.HPMD stops counting at EL2 of every counter but the hyp ones.</summary>
    private bool HpmdStops(int i) => hpmd && (HypCounters & (1UL << i)) == 0;

    /// <summary>
    /// Programs the hardware's enables and widths from PMCR, PMCNTENSET and MDCR (C3, O1), and
    /// works out which overflows feed a CHAIN counter (C7).
    /// </summary>
    private void ProgramControls()
    {
        var hyp = HypCounters;
        var enabled = enableSet & Implemented & ((PmcrEnabled ? ~hyp : 0) | (hpme ? hyp : 0)); // C3
        var backed = vm.HasPmu ? enabled & ~(swIncrCounters | chainCounters) : 0;             // C2
        var longOverflow = ((pmcr & PmcrFields.LC) != 0 ? CycleBit : 0)
            | (hlp ? hyp : 0)
            | ((pmcr & PmcrFields.LP) != 0 ? Below(counters) & ~hyp : 0);                     // O1
        hardware.Configure(backed, wideCounters, longOverflow);
        var chainTargets = PmcrEnabled ? enableSet & chainCounters & Below(counters) : 0;
        chainFeeders = EvenChainSources & ~longOverflow & (chainTargets >> 1);
    }

    // ---------------------------------------------------------------- counting (sections 5, 6)

    /// <summary>C5: the hardware counts; KVM then feeds overflows to CHAIN neighbours (C7).</summary>
    internal Outcome HardwareEvents(ushort e, ulong count, GuestEl el)
    {
        var overflowed = hardware.Count(e, el == GuestEl.El0 ? PhysicalEl.El0 : PhysicalEl.El1, count);
        if ((overflowed & chainFeeders) != 0)
        {
            Chain(overflowed);
        }
        return Outcome.Nothing;
    }

    /// <summary>C7: each overflowed feeder increments its CHAIN neighbour once, whatever its EL bits; the filter does not apply (C2).</summary>
    private void Chain(ulong overflowed)
    {
        var pending = overflowed & chainFeeders;
        while (pending != 0)
        {
            var j = BitOperations.TrailingZeroCount(pending) + 1;
            pending &= pending - 1;
            if (Filtered(j, CountingPath.Chain))
            {
                continue;
            }
            if (hardware.Add(j, 1))
            {
                pending |= (1UL << j) & chainFeeders;
            }
        }
    }

    /// <summary>C6: PMSWINC, on the accessible counters (N3); each increment may overflow (O1) and chain (C7).</summary>
    private Outcome SoftwareIncrement(ulong written)
    {
        if (registersUndefined)
        {
            return Outcome.Undef;
        }
        var targets = TPolicy.SoftwareIncrementTargets(written & Accessible & Below(counters), enableSet, swIncrCounters, PmcrEnabled);
        ulong overflowed = 0;
        while (targets != 0)
        {
            var i = BitOperations.TrailingZeroCount(targets);
            targets &= targets - 1;
            if (Filtered(i, CountingPath.SoftwareIncrement))
            {
                continue;
            }
            if (hardware.Add(i, 1))
            {
                overflowed |= 1UL << i;
            }
        }
        Chain(TPolicy.ChainedSoftwareIncrementOverflows(overflowed));
        return Outcome.Ok;
    }

    /// <summary>O3 (7.2): overflow and interrupt enable; PMCR.E gates the other counters, HPME the hyp ones.</summary>
    private bool InterruptLevel()
    {
        if (!vm.HasPmu)
        {
            return false;
        }
        var hyp = HypCounters;
        var overflow = hardware.Overflow & interruptSet & Implemented;
        if (!PmcrEnabled)
        {
            overflow &= hyp;
        }
        if (!hpme)
        {
            overflow &= ~hyp;
        }
        return overflow != 0;
    }

    // ---------------------------------------------------------------- userspace access (V1, V2)

    /// <summary>The implemented counters: fixed at the first run (but for SET_NR_COUNTERS), the VM's before it.</summary>
    private ulong ImplementedNow => Below(hasRun ? counters : vm.Counters) | CycleBit;

    /// <summary>Whether counter <paramref name="i"/> keeps 64 bits (O1): fixed at the first run, from the guest PMUVer before it.</summary>
    private bool WideNow(int i) =>
        i == Cycle || (hasRun ? (wideCounters & (1UL << i)) != 0 : vm.GuestPmuVer >= PmuVersion.V3P5);

    /// <summary>Whether the counts and overflow bits live in the hardware now.</summary>
    private bool InHardware => hasRun && loaded;

    private ulong OverflowNow => InHardware ? hardware.Overflow : savedOverflow;

    /// <summary>V1: KVM_GET_ONE_REG (the VM has already checked the register is in the list).</summary>
    internal Outcome GetRegister(Register register)
    {
        switch (register.Kind)
        {
            case RegisterKind.MdcrEl2:
                return Outcome.Of(PmuFieldsRes0Now ? 0 : Mdcr());
            case RegisterKind.Pmcr:
                return Outcome.Of((pmcr & ~(PmcrFields.P | PmcrFields.C)) | ((ulong)vm.Counters << PmcrFields.NShift));
            case RegisterKind.PmcntenSet or RegisterKind.PmcntenClr:
                return Outcome.Of(enableSet & ImplementedNow); // V1: the VM's N now
            case RegisterKind.PmintenSet or RegisterKind.PmintenClr:
                return Outcome.Of(interruptSet & ImplementedNow);
            case RegisterKind.PmovsSet or RegisterKind.PmovsClr:
                return Outcome.Of(OverflowNow & ImplementedNow);
            case RegisterKind.Pmselr:
                return Outcome.Of(select);
            case RegisterKind.Pmevtyper or RegisterKind.Pmccfiltr:
                return Outcome.Of(eventType[CounterIndexOf(register)]);
            default:
                var i = CounterIndexOf(register);
                return Outcome.Of(InHardware ? hardware.ReadCounter(i) : savedCounter[i]);
        }
    }

    /// <summary>
    /// V2: KVM_SET_ONE_REG restores: it stores what a guest write would (SET and CLR encodings alike
    /// set the register to the value's implemented counters; PMCR without P and C, nothing reset);
    /// a loaded vCPU's hardware is derived again as after a guest write.
    /// </summary>
    internal Outcome SetRegister(Register register, ulong value)
    {
        switch (register.Kind)
        {
            case RegisterKind.MdcrEl2:
                WriteMdcrFromUserspace(value);
                break;
            case RegisterKind.Pmcr:
                var stored = value & PmcrFields.Writable & ~(PmcrFields.P | PmcrFields.C);
                if (vm.GuestPmuVer < PmuVersion.V3P5)
                {
                    stored &= ~PmcrFields.LP;
                }
                if (!vm.Setup.Host.AArch32)
                {
                    stored |= PmcrFields.LC;
                }
                pmcr = stored;
                break;
            case RegisterKind.PmcntenSet or RegisterKind.PmcntenClr:
                enableSet = value & ImplementedNow;
                break;
            case RegisterKind.PmintenSet or RegisterKind.PmintenClr:
                interruptSet = value & ImplementedNow;
                break;
            case RegisterKind.PmovsSet or RegisterKind.PmovsClr:
                if (InHardware)
                {
                    hardware.Overflow = value & ImplementedNow;
                }
                else
                {
                    savedOverflow = value & ImplementedNow;
                }
                break;
            case RegisterKind.Pmselr:
                select = value & 0x1F;
                break;
            case RegisterKind.Pmevtyper or RegisterKind.Pmccfiltr:
                {
                    var i = CounterIndexOf(register);
                    eventType[i] = value & (hasRun ? evtyperMask : EvtyperMask(vm.GuestEventMask, vm.Setup.Vm.El2, vm.Setup.Vm.El3));
                    if (hasRun && i != Cycle)
                    {
                        UpdateSoftwareCounter(i);
                    }
                    break;
                }
            default:
                {
                    var i = CounterIndexOf(register);
                    var kept = WideNow(i) ? value : value & 0xFFFFFFFF;
                    if (InHardware)
                    {
                        hardware.WriteCounter(i, kept);
                    }
                    else
                    {
                        savedCounter[i] = kept;
                    }
                    break;
                }
        }
        if (InHardware)
        {
            ProgramEventTypes();
            ProgramControls();
        }
        return Outcome.Ok;
    }

    /// <summary>
    /// E3, N1: MDCR_EL2's PMU fields are RES0 without a PMU for the guest: fixed at the vCPU's first run,
    /// the VM's state (no PMU, PMUVer 0 at the first KVM_RUN) before it.
    /// </summary>
    private bool PmuFieldsRes0Now => hasRun ? registersUndefined : !vm.HasPmu || vm.PmuHidden;

    /// <summary>N1 (nested VMs only reach this): HPMN clamped to N, as a vEL2 write.</summary>
    private void WriteMdcrFromUserspace(ulong value)
    {
        if (PmuFieldsRes0Now)
        {
            return;
        }
        hpmn = Math.Min(value & MdcrFields.Hpmn, (ulong)vm.Counters);
        hpme = (value & MdcrFields.Hpme) != 0;
        hpmd = (value & MdcrFields.Hpmd) != 0;
        hlp = (value & MdcrFields.Hlp) != 0;
    }

    // ---------------------------------------------------------------- registers (section 9)

    internal Outcome Read(Register register)
    {
        switch (register.Kind)
        {
            case RegisterKind.IdAa64dfr0:
                return Outcome.Of((ulong)vm.GuestPmuVer << 8);
            case RegisterKind.Irq:
                return Outcome.Of(InterruptLevel() ? 1UL : 0UL);
            case RegisterKind.MdcrEl2:
                return Outcome.Of(Mdcr());
        }
        if (registersUndefined)
        {
            return Outcome.Undef;
        }
        switch (register.Kind)
        {
            case RegisterKind.Pmcr:
                return Outcome.Of((pmcr & ~(PmcrFields.P | PmcrFields.C)) | ((ulong)VisibleCounters << PmcrFields.NShift));
            case RegisterKind.PmcntenSet or RegisterKind.PmcntenClr:
                return Outcome.Of(enableSet);
            case RegisterKind.PmintenSet or RegisterKind.PmintenClr:
                return Outcome.Of(interruptSet);
            case RegisterKind.PmovsSet or RegisterKind.PmovsClr:
                return Outcome.Of(hardware.Overflow);
            case RegisterKind.Pmselr:
                return Outcome.Of(select);
            case RegisterKind.Pmceid0:
                return Outcome.Of(vm.Pmceid0);
            case RegisterKind.Pmceid1:
                return Outcome.Of(vm.Pmceid1);
            case RegisterKind.Pmevtyper or RegisterKind.Pmxevtyper or RegisterKind.Pmccfiltr:
                {
                    var i = CounterIndexOf(register);
                    return CanAccess(i) ? Outcome.Of(eventType[i]) : Outcome.Undef;
                }
            default:
                {
                    var i = CounterIndexOf(register);
                    return CanAccess(i) ? Outcome.Of(hardware.ReadCounter(i)) : Outcome.Undef;
                }
        }
    }

    internal Outcome Write(Register register, ulong value)
    {
        if (register.Kind == RegisterKind.MdcrEl2)
        {
            WriteMdcr(value);
            return Outcome.Ok;
        }
        if (registersUndefined)
        {
            return Outcome.Undef;
        }
        switch (register.Kind)
        {
            case RegisterKind.Pmcr:
                WritePmcr(value);
                return Outcome.Ok;
            case RegisterKind.PmcntenSet:
                enableSet |= value & Accessible;
                ProgramControls();
                return Outcome.Ok;
            case RegisterKind.PmcntenClr:
                enableSet &= ~(value & Accessible);
                ProgramControls();
                return Outcome.Ok;
            case RegisterKind.PmintenSet:
                interruptSet |= value & Accessible;
                return Outcome.Ok;
            case RegisterKind.PmintenClr:
                interruptSet &= ~(value & Accessible);
                return Outcome.Ok;
            case RegisterKind.PmovsSet:
                hardware.Overflow |= value & Accessible;
                return Outcome.Ok;
            case RegisterKind.PmovsClr:
                hardware.Overflow &= ~(value & Accessible);
                return Outcome.Ok;
            case RegisterKind.Pmselr:
                select = value & 0x1F;
                return Outcome.Ok;
            case RegisterKind.Pmevtyper or RegisterKind.Pmxevtyper or RegisterKind.Pmccfiltr:
                {
                    var i = CounterIndexOf(register);
                    if (!CanAccess(i))
                    {
                        return Outcome.Undef;
                    }
                    WriteEventType(i, value);
                    return Outcome.Ok;
                }
            case RegisterKind.Pmevcntr or RegisterKind.Pmxevcntr or RegisterKind.Pmccntr:
                {
                    var i = CounterIndexOf(register);
                    if (!CanAccess(i))
                    {
                        return Outcome.Undef;
                    }
                    hardware.WriteCounter(i, value); // R4: 32-bit counters keep 32 bits
                    return Outcome.Ok;
                }
            default:
                throw new ArgumentException($"register {register} cannot be written", nameof(register));
        }
    }

    /// <summary>R2: store the masked value; re-derive this counter's hardware value and the controls it affects.</summary>
    private void WriteEventType(int i, ulong value)
    {
        eventType[i] = value & evtyperMask;
        if (i != Cycle)
        {
            UpdateSoftwareCounter(i);
        }
        hardware.WriteEventType(i, HardwareEventType(i));
        ProgramControls();
    }

    /// <summary>The counter a counter register names; PMXEVTYPER/PMXEVCNTR go through PMSELR.SEL.</summary>
    private int CounterIndexOf(Register register) => register.Kind switch
    {
        RegisterKind.Pmevtyper or RegisterKind.Pmevcntr => register.Index,
        RegisterKind.Pmxevtyper or RegisterKind.Pmxevcntr => (int)select,
        _ => Cycle,
    };

    /// <summary>R5, N3: counters at or above the visible N (other than 31) are UNDEFINED.</summary>
    private bool CanAccess(int i) => i == Cycle || i < VisibleCounters;

    /// <summary>R1, O2, N4: store the writable bits (LP only from V3P5; LC forced without AArch32), then reset on P and C.</summary>
    private void WritePmcr(ulong value)
    {
        var stored = value & PmcrFields.Writable;
        if (!lpAllowed)
        {
            stored &= ~PmcrFields.LP;
        }
        if (!vm.Setup.Host.AArch32)
        {
            stored |= PmcrFields.LC;
        }
        var enableChanged = ((pmcr ^ stored) & PmcrFields.E) != 0;
        pmcr = stored;
        if ((value & PmcrFields.P) != 0)
        {
            for (var i = 0; i < VisibleCounters; i++)
            {
                hardware.WriteCounter(i, 0);
            }
        }
        if ((value & PmcrFields.C) != 0)
        {
            hardware.WriteCounter(Cycle, 0);
        }
        if (enableChanged)
        {
            hardware.Overflow = TrimToImplemented(hardware.Overflow);
        }
        ProgramControls();
    }

    /// <summary>N1: without PMUv3 for the guest the PMU fields of MDCR_EL2 are RES0.</summary>
    private ulong Mdcr() =>
        PmuFieldsRes0Now ? 0 :
        hpmn
        | (hpme ? MdcrFields.Hpme : 0)
        | (hpmd ? MdcrFields.Hpmd : 0)
        | (hlp && vm.GuestPmuVer >= PmuVersion.V3P5 ? MdcrFields.Hlp : 0); // O1: HLP is RES0 below PMUv3p5

    /// <summary>N1: HPMN clamped to N. Hyp ranges, HPME, HPMD and HLP change: re-derive everything.</summary>
    private void WriteMdcr(ulong value)
    {
        if (PmuFieldsRes0Now)
        {
            return;
        }
        hpmn = Math.Min(value & MdcrFields.Hpmn, (ulong)counters);
        hpme = (value & MdcrFields.Hpme) != 0;
        hpmd = (value & MdcrFields.Hpmd) != 0;
        hlp = (value & MdcrFields.Hlp) != 0;
        ProgramEventTypes();
        ProgramControls();
    }
}
