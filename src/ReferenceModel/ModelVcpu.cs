using PmuConformance.Scenarios;
using static PmuConformance.ReferenceModel.DeviationSwitches;

namespace PmuConformance.ReferenceModel;

/// <summary>
/// One vCPU's PMU as the guest sees it: its registers (section 9), which counters count
/// (section 5), counter width and overflow (section 6), PMCEID (section 7) and the nested
/// rules (section 8). Written to be read: every decision is a named method citing its rule.
/// </summary>
public sealed class ModelVcpu
{
    /// <summary>R6: KVM fills registers the architecture leaves UNKNOWN from this pattern.</summary>
    private const ulong ResetPattern = 0x1de7ec7edbadc0de;

    private const int Cycle = Register.CycleCounter;

    private readonly ModelVm vm;

    // Index 0-30: PMEVCNTR<n> / PMEVTYPER<n>; index 31: PMCCNTR / PMCCFILTR.
    private readonly ulong[] counter = new ulong[32];
    private readonly ulong[] eventType = new ulong[32];

    private ulong pmcr;             // the stored writable bits of PMCR_EL0 (R1)
    private ulong enableSet;        // PMCNTENSET_EL0
    private ulong interruptSet;     // PMINTENSET_EL0
    private ulong overflowSet;      // PMOVSSET_EL0
    private ulong select;           // PMSELR_EL0
    private ulong hpmn;             // MDCR_EL2.HPMN
    private bool hpme, hpmd, hlp;   // MDCR_EL2.HPME, HPMD, HLP
    private bool inHyp;
    private bool hasRun;            // the vCPU's first successful KVM_RUN happened (ever)
    private bool started;           // it has run since its last reset (L4): guest code runs from its entry

    // Deviation KD3 only: the overflow width (true: 64 bits) each counter's host perf event was
    // programmed with; null while the counter has no perf event. The intended rule (O4) never reads it.
    private readonly bool?[] programmedOverflowAt64 = new bool?[32];

    // KD12, KD13: what each counter's host perf event was last programmed with (its event type and
    // whether it is enabled). Without those deviations counting always follows the registers.
    private readonly ulong[] programmedType = new ulong[32];
    private ulong programmedOn;
    private ulong everCounted;        // KD14: counters whose perf event counted since the last reset
    private ulong programmedAtEl0;    // KD15: the EL0 and kernel-mode (vEL1, or vEL2 in the hyp
    private ulong programmedAtKernel; // context) decisions each counter's perf event was made with

    /// <param name="index">The vCPU's number: the VMM creates them in order (scenario-language.md, set-up).</param>
    public ModelVcpu(ModelVm vm, int index)
    {
        this.vm = vm;
        // R6: the reset values are masked with the VM's ID registers as they are when the vCPU is
        // created. The VMM lowers el2=off / el3=off right after the first vCPU's KVM_ARM_VCPU_INIT
        // (ID registers are VM-wide), so vCPU 0 still sees KVM's defaults (the host's EL2 field;
        // a nested VM's EL3 = IMP, its limit) and the later vCPUs see the lowered fields.
        var defaults = index == 0;
        Reset(guestEl2Field: defaults || vm.Setup.Vm.El2, guestEl3Field: vm.Setup.Vm.El3 || (defaults && vm.Setup.Vm.Nested));
    }

    /// <summary>L1: INIT has created this vCPU's PMU (F2 applies from then on).</summary>
    public bool PmuInitialised { get; set; }

    /// <summary>I1: the PMU interrupt set on this vCPU (IRQ attribute), null until one is.</summary>
    public uint? Irq { get; set; }

    private ProfileRules Profile => vm.Profile;

    private RuleTrace Rules => vm.Rules;

    /// <summary>
    /// R6: the values the guest reads at its first instruction, with the event types masked by the ID
    /// registers the VM has when the vCPU is reset (observed on 7.2.13, nested el3=off: vCPU 0 reads
    /// PMEVTYPER's reset value 0xd800c0de, NSU kept, vCPU 1 reads 0xc800c0de; on 6.12 the same for
    /// NSH with el2=off: corpora/kernel-facts/*/reset-value-per-vcpu*.pmu).
    /// </summary>
    private void Reset(bool guestEl2Field, bool guestEl3Field)
    {
        Rules.Cite("R6");
        for (var i = 0; i < Cycle; i++)
        {
            counter[i] = ResetPattern & 0xFFFFFFFF;
            eventType[i] = ResetPattern & EvtyperMask(guestEl2Field, guestEl3Field);
        }
        counter[Cycle] = ResetPattern;
        eventType[Cycle] = 0;
        enableSet = ResetPattern & ImplementedCounters();
        interruptSet = ResetPattern & ImplementedCounters();
        overflowSet = ResetPattern & ImplementedCounters();
        select = ResetPattern & 0x1F;
        Array.Clear(programmedOverflowAt64);
        everCounted = 0; // 6.1 and 6.12 release the perf events on a reset
        pmcr = Profile.PmcrResetValue;
        if (!vm.Host.AArch32)
        {
            pmcr |= PmcrBits.LC; // O2
        }
        ResetHpmn();
        hpme = hpmd = hlp = false; // MDCR_EL2 resets to HPMN = N, the other fields 0 (L4)
    }

    /// <summary>N1: HPMN resets to N.</summary>
    public void ResetHpmn() => hpmn = (ulong)vm.Counters;

    /// <summary>
    /// L4: KVM_ARM_VCPU_INIT again. The PMU registers get their R6 values, with the event type mask
    /// of the VM's ID registers now (a lowered PMUVer or EL2 field counts: observed on 6.12 and 7.2,
    /// corpora/kernel-facts/*/reset-after-pmuver.pmu); the guest starts again from its entry at the
    /// next run (a nested vCPU at vEL2). PMU INIT, the interrupt and the VM's state stay. What the
    /// vCPU's first run did once (6.1's reset C, the PMU reload) is not done again: observed on 6.1,
    /// PMCCNTR keeps its reset pattern after a reset and a run (corpora/kernel-facts/6.1/reset-*.pmu).
    /// </summary>
    public void ResetVcpu()
    {
        Rules.Cite("L4");
        Reset(vm.Setup.Vm.El2, vm.Setup.Vm.El3);
        started = false;
        inHyp = false;
        if (!vm.Shows(ResetKeepsCounting))
        {
            Reprogram(AllCounters);
        }
    }

    private const ulong AllCounters = 0xFFFFFFFF;

    /// <summary>Whether counting follows the last programming (KD12, KD13) instead of the registers.</summary>
    private bool CountsByProgramming =>
        vm.Shows(RestoreNotReprogrammed) || vm.Shows(ResetKeepsCounting) || vm.Shows(CounterRestoreCounts) || vm.Shows(MdcrChangeNotReprogrammed);

    /// <summary>
    /// KD12, KD13: the counters' perf events take the registers' event types and enables now (KVM
    /// (re)creates or enables them): at the first run, on guest writes of PMCR, PMCNTEN, event types,
    /// counters and MDCR_EL2, and on 7.2 after every SET_ONE_REG (a PMU reload).
    /// </summary>
    private void Reprogram(ulong counters)
    {
        for (var i = 0; i < 32; i++)
        {
            if ((counters & Bit(i)) == 0)
            {
                continue;
            }
            programmedType[i] = eventType[i];
            programmedOn = Enabled(i) ? programmedOn | Bit(i) : programmedOn & ~Bit(i);
            everCounted |= programmedOn & Bit(i);
            if (!vm.Shows(MdcrChangeNotReprogrammed))
            {
                continue;
            }
            // KD15: a perf event excludes user or kernel mode; vEL2 and vEL1 code both run in
            // kernel mode, so the event holds the decision of the context it was made in (N2).
            programmedAtEl0 = CountsAt(i, GuestEl.El0) ? programmedAtEl0 | Bit(i) : programmedAtEl0 & ~Bit(i);
            programmedAtKernel = CountsAt(i, inHyp ? GuestEl.El2 : GuestEl.El1) ? programmedAtKernel | Bit(i) : programmedAtKernel & ~Bit(i);
        }
    }

    /// <summary>
    /// N2: a nested transition reprograms the counters. KD15 (7.2): the kernel reprograms only the
    /// PMCNTENSET counters whose EL1 and EL2 decisions differ now, so a decision an MDCR_EL2 write
    /// changed without reprogramming stays stale across the transition when the two agree.
    /// </summary>
    private void ReprogramOnHypTransition()
    {
        if (!vm.Shows(MdcrChangeNotReprogrammed))
        {
            Reprogram(AllCounters);
            return;
        }
        ulong differing = 0;
        for (var i = 0; i < 32; i++)
        {
            if ((enableSet & Bit(i)) != 0 && CountsAt(i, GuestEl.El1) != CountsAt(i, GuestEl.El2))
            {
                differing |= Bit(i);
            }
        }
        Reprogram(differing);
    }

    /// <summary>KVM_RUN succeeded on this vCPU; <paramref name="vmHadRun"/>: another vCPU ran before.</summary>
    public void Run(bool vmHadRun = false)
    {
        if (!started)
        {
            started = true;
            inHyp = vm.Setup.Vm.Nested; // N2: a guest hypervisor starts at vEL2
        }
        if (hasRun)
        {
            return;
        }
        hasRun = true;

        ReloadPmu();
        if (!(vm.Shows(RestoreNotReprogrammed) && vmHadRun))
        {
            // KD12 (6.1, 6.12; kernel campaign, generated seed 0x124 on both): only the VM's first run
            // programs the counters from the registers; a vCPU that runs first after another keeps
            // what its guest writes programmed (nothing, before it ran).
            Reprogram(AllCounters);
        }
        if (Profile.FirstRunAppliesResetPmcr || (Profile.FirstRunAppliesRestoredPmcrUnderKd7 && vm.Shows(PmcrResetBitsKept)))
        {
            // R6: 6.1's reset PMCR has C set, and the first run applies it (PMCCNTR reads 0).
            // KD7: 6.1 and 6.12 apply the P and C bits a SET_ONE_REG stored, at this first run only.
            ApplyPmcrResets(pmcr);
            if (Profile.EventCounters64Bit && vm.GuestPmuVer < PmuVersion.V3P5)
            {
                pmcr &= ~PmcrBits.LP; // KD7: 6.12's first-run PMCR handling clears a restored LP (O2)
            }
            pmcr &= ~(PmcrBits.P | PmcrBits.C);
        }
    }

    // ---------------------------------------------------------------- userspace access (section 9c)



    /// <summary>
    /// V1: KVM_GET_ONE_REG returns what the guest would read (section 9). Proposed details (observed
    /// on all three kernels: corpora/kernel-facts/*/get-reg-*.pmu): a vCPU without PMUv3 has no PMU
    /// registers (ENOENT); PMCEID0/1, PMXEVTYPER, PMXEVCNTR and, outside a nested VM, MDCR_EL2 are not
    /// in the register list (ENOENT); every counter 0-30 is, even at or above N (its stored value);
    /// neither INIT, the run nor a guest PMUVer of 0 (7.2's hidden PMU) changes any of this.
    /// </summary>
    public Outcome GetRegister(Register register)
    {
        Rules.Cite("V1");
        if (register.Kind == RegisterKind.IdAa64dfr0)
        {
            Rules.Cite("E3");
            return Outcome.Of((ulong)vm.GuestPmuVer << 8); // only the PMUVer field is modelled
        }
        if (UserspaceRegisterMissing(register))
        {
            return Outcome.Error(Errno.ENOENT);
        }
        switch (register.Kind)
        {
            case RegisterKind.MdcrEl2:
                return Outcome.Of(Mdcr());
            case RegisterKind.Pmcr:
                var value = PmcrValue(userspace: true);
                if (vm.Shows(PmcrResetBitsKept))
                {
                    value |= pmcr & (PmcrBits.P | PmcrBits.C); // KD7: the stored P and C come back
                }
                return Outcome.Of(value);
            case RegisterKind.PmcntenSet or RegisterKind.PmcntenClr:
                return Outcome.Of(CounterSetForUserspace(enableSet));
            case RegisterKind.PmintenSet or RegisterKind.PmintenClr:
                return Outcome.Of(CounterSetForUserspace(interruptSet));
            case RegisterKind.PmovsSet or RegisterKind.PmovsClr:
                return Outcome.Of(CounterSetForUserspace(overflowSet));
            case RegisterKind.Pmselr:
                return Outcome.Of(select);
            case RegisterKind.Pmevtyper:
                return Outcome.Of(eventType[register.Index]);
            case RegisterKind.Pmccfiltr:
                return Outcome.Of(eventType[Cycle]);
            case RegisterKind.Pmevcntr:
                return Outcome.Of(counter[register.Index]);
            case RegisterKind.Pmccntr:
                return Outcome.Of(counter[Cycle]);
            default:
                throw new ArgumentException($"get-reg of {register}", nameof(register));
        }
    }

    /// <summary>
    /// V2: KVM_SET_ONE_REG restores state: it stores what a guest write would store (R1-R4), with no
    /// side effect. Proposed details (observed on 7.2, the other kernels deviate as noted:
    /// corpora/kernel-facts/*/set-reg-*.pmu): either encoding of PMCNTEN, PMINTEN and PMOVS sets the
    /// register to the value's implemented counters (a restore, not a set or a clear: 6.12 KD4, 6.1
    /// KD5); PMEVTYPER/PMCCFILTR/PMSELR are masked as a guest write (KD6); PMCR stores its writable
    /// bits without P and C, resets nothing (KD7), and its N follows V4; a counter keeps the bits its
    /// width holds (O1). The same before INIT, after INIT and after the run (QEMU's write-back).
    /// </summary>
    public Outcome SetRegister(Register register, ulong value)
    {
        Rules.Cite("V2");
        if (UserspaceRegisterMissing(register))
        {
            return Outcome.Error(Errno.ENOENT);
        }
        var outcome = StoreRegister(register, value);
        if (!vm.Shows(RestoreNotReprogrammed))
        {
            Reprogram(AllCounters); // V2: the restored state counts (7.2: KVM reloads the PMU)
        }
        if (vm.Shows(CounterRestoreCounts) && hasRun && register.Kind is RegisterKind.Pmevcntr or RegisterKind.Pmccntr
            && (everCounted & Bit(CounterIndexOf(register))) != 0)
        {
            // KD14 (6.1, 6.12): the restored counter's perf event counts its event from now on, even
            // with PMCR.E or its PMCNTENSET bit clear, until the guest reprograms it. Only a counter
            // whose perf event has counted since the run (the reset) does: a restore into one that
            // never counted stays stopped (KD12's repro on 6.12: restored after the run, reads 0).
            var i = CounterIndexOf(register);
            programmedType[i] = eventType[i];
            programmedOn |= Bit(i);
        }
        return outcome;
    }

    private Outcome StoreRegister(Register register, ulong value)
    {
        switch (register.Kind)
        {
            case RegisterKind.MdcrEl2:
                // V4 (7.2 under QEMU 10, corpora/kernel-facts/7.2/nested-mdcr-one-reg.pmu): as a vEL2
                // write (N1: HPMN clamped to N). KD11: HPMN is stored as given.
                Rules.Cite("V4");
                WriteMdcr(value);
                if (vm.Shows(UnclampedHpmn) && !PmuRegistersUndefined())
                {
                    hpmn = value & MdcrBits.HpmnMask;
                }
                return Outcome.Ok;
            case RegisterKind.Pmcr:
                RestorePmcr(value);
                return Outcome.Ok;
            case RegisterKind.PmcntenSet or RegisterKind.PmcntenClr:
                enableSet = RestoreCounterSet(enableSet, register, value);
                return Outcome.Ok;
            case RegisterKind.PmintenSet or RegisterKind.PmintenClr:
                interruptSet = RestoreCounterSet(interruptSet, register, value);
                return Outcome.Ok;
            case RegisterKind.PmovsSet or RegisterKind.PmovsClr:
                overflowSet = RestoreCounterSet(overflowSet, register, value);
                return Outcome.Ok;
            case RegisterKind.Pmselr:
                select = vm.Shows(UnmaskedTypeStores) ? value : value & 0x1F;
                return Outcome.Ok;
            case RegisterKind.Pmevtyper or RegisterKind.Pmccfiltr:
                var index = register.Kind == RegisterKind.Pmccfiltr ? Cycle : register.Index;
                Rules.Cite("R2");
                eventType[index] = vm.Shows(UnmaskedTypeStores) ? value : value & EvtyperMask(vm.Setup.Vm.El2, vm.Setup.Vm.El3);
                return Outcome.Ok;
            case RegisterKind.Pmevcntr or RegisterKind.Pmccntr:
                var i = register.Kind == RegisterKind.Pmccntr ? Cycle : register.Index;
                Rules.Cite("R4");
                Rules.Cite("V3"); // the filter is not restored with it: it counts as C2 decides with the VM's filter now
                counter[i] = Is64Bit(i) ? value : value & 0xFFFFFFFF;
                return Outcome.Ok;
            default:
                throw new ArgumentException($"set-reg of {register}", nameof(register));
        }
    }

    /// <summary>
    /// V1 (observed on 7.2: kernel oracle, generated seed 0x9): GET of PMCNTEN, PMINTEN and PMOVS
    /// returns the set's implemented counters (the VM's N now), even where the guest still reads bits
    /// above a lowered N until the next PMU reload (R3; after the run only through KD1). KD5 (6.1):
    /// unmasked.
    /// </summary>
    private ulong CounterSetForUserspace(ulong set) =>
        vm.Shows(UnmaskedCounterSets) ? set : set & ImplementedCounters();

    /// <summary>V1: registers KVM_GET_REG_LIST does not list for this vCPU (ENOENT).</summary>
    private bool UserspaceRegisterMissing(Register register)
    {
        if (!vm.HasPmu)
        {
            Rules.Cite("F1");
            return true;
        }
        return register.Kind switch
        {
            RegisterKind.Pmceid0 or RegisterKind.Pmceid1 or RegisterKind.Pmxevtyper or RegisterKind.Pmxevcntr => true,
            RegisterKind.MdcrEl2 => !vm.Setup.Vm.Nested,
            RegisterKind.IdAa64dfr0 or RegisterKind.Irq => throw new ArgumentException($"{register} is not a PMU register of the list", nameof(register)),
            _ => false,
        };
    }

    /// <summary>
    /// V2: the SET and CLR encodings both restore the register: value &amp; implemented counters
    /// (observed on 7.2). KD4 (6.12): they set or clear bits as a guest write does. KD5 (6.1): the
    /// value is stored unmasked, bits of unimplemented counters included.
    /// </summary>
    private ulong RestoreCounterSet(ulong current, Register register, ulong value)
    {
        if (vm.Shows(SetClrActLikeGuestWrites))
        {
            var bits = value & ImplementedCounters();
            var isSet = register.Kind is RegisterKind.PmcntenSet or RegisterKind.PmintenSet or RegisterKind.PmovsSet;
            return isSet ? current | bits : current & ~bits;
        }
        return vm.Shows(UnmaskedCounterSets) ? value : value & ImplementedCounters();
    }

    /// <summary>
    /// V2, V4: PMCR as a restore: the writable bits as a guest write stores them (R1, O2), without P
    /// and C and without resetting a counter; N as V4 says. KD7: P and C (and on 7.2 LP below V3P5)
    /// are stored as written.
    /// </summary>
    private void RestorePmcr(ulong value)
    {
        Rules.Cite("R1");
        vm.SetCountersFromPmcr((value >> PmcrBits.NShift) & 0x1F);
        var stored = value & PmcrBits.Writable;
        var kept = vm.Shows(PmcrResetBitsKept);
        if (!kept)
        {
            stored &= ~(PmcrBits.P | PmcrBits.C);
        }
        if (Profile.EventCounters64Bit && vm.GuestPmuVer < PmuVersion.V3P5 && !kept)
        {
            Rules.Cite("O2");
            stored &= ~PmcrBits.LP;
        }
        if (!vm.Host.AArch32)
        {
            Rules.Cite("O2");
            stored |= PmcrBits.LC;
        }
        pmcr = stored;
    }

    /// <summary>
    /// R3, R6 (observed on 7.2): KVM reloads a vCPU's PMU at its first run and whenever a PMCR write
    /// changes E, and a reload trims the enable, interrupt and overflow sets to the implemented
    /// counters. So a SET_NR_COUNTERS before the run shrinks the reset values, while after the run
    /// the bits above the new N stay readable until the next reload
    /// (corpora/kernel-facts/7.2/set-nr-counters-*.pmu).
    /// </summary>
    private void ReloadPmu()
    {
        if (vm.Shows(UnmaskedCounterSets))
        {
            return; // KD5 (6.1): bits of unimplemented counters that SET_ONE_REG stored stay readable
        }
        var kept = ReloadKeeps();
        enableSet &= kept;
        interruptSet &= kept;
        overflowSet &= kept;
        ProgramEnabledCounters(ImplementedCounters());
    }

    /// <summary>
    /// R3: a reload keeps the bits of the implemented counters. Deviation KD10 (7.2): outside vEL2 a
    /// nested vCPU's reload trims to the counters it sees there, [0, HPMN), so a PMCR.E change at vEL1
    /// clears the guest hypervisor's hyp-counter bits for good.
    /// </summary>
    private ulong ReloadKeeps() =>
        vm.Shows(ReloadTrimsHypCounters) ? CountersBelow(VisibleCounters()) | Bit(Cycle) : ImplementedCounters();

    /// <summary>
    /// KD3 bookkeeping: KVM creates a counter's perf event, and so fixes its sample period, when the
    /// counter's value or event type is written, when a P/C reset zeroes it, when it is enabled
    /// without one, and again at each overflow. Only the deviation KD3 reads what is kept here.
    /// </summary>
    private void ProgramCounter(int i)
    {
        if (vm.Shows(OverflowWidthFixedWhenProgrammed))
        {
            programmedOverflowAt64[i] = Is64Bit(i) && Has64BitOverflow(i);
        }
    }

    private void ProgramEnabledCounters(ulong mask)
    {
        if (!vm.Shows(OverflowWidthFixedWhenProgrammed))
        {
            return;
        }
        foreach (var i in CounterIndices())
        {
            if ((mask & Bit(i)) != 0 && programmedOverflowAt64[i] is null && Enabled(i))
            {
                ProgramCounter(i);
            }
        }
    }

    public Outcome Apply(GuestStep step)
    {
        switch (step)
        {
            case ReadStep r:
                return Read(r.Register);
            case WriteStep w:
                return Write(w.Register, w.Value);
            case SwincStep s:
                return SoftwareIncrement(s.Mask);
            case EventsStep e:
                HardwareEvents(e.Event, e.Count, e.El);
                return Outcome.Nothing;
            case EnterHypStep:
                Rules.Cite("N2");
                inHyp = true;
                ReprogramOnHypTransition();
                return Outcome.Nothing;
            case ExitHypStep:
                Rules.Cite("N2");
                inHyp = false;
                ReprogramOnHypTransition();
                return Outcome.Nothing;
            case PutStep or LoadStep:
                // Scheduling has no guest-visible effect on an emulated PMU.
                return Outcome.Nothing;
            default:
                throw new ArgumentException($"unknown guest step {step}", nameof(step));
        }
    }

    // ---------------------------------------------------------------- registers (section 9)

    /// <summary>
    /// E3: without a PMU every PMU register is UNDEFINED; in 7.2 a guest PMUVer of 0 at the first
    /// KVM_RUN hides the PMU too (6.12 keeps the registers with an event mask of 0).
    /// </summary>
    private bool PmuRegistersUndefined()
    {
        if (!vm.HasPmu)
        {
            return true;
        }
        if (vm.GuestPmuVer == PmuVersion.None || vm.PmuHidden)
        {
            Rules.Cite("E3");
        }
        return vm.PmuHidden;
    }

    /// <summary>
    /// KD16 (7.2): with the PMU hidden (E3: guest PMUVer 0), PMXEVTYPER and PMXEVCNTR still reach
    /// PMCCFILTR and PMCCNTR when PMSELR.SEL is 31 (which only a SET_ONE_REG can have put there).
    /// </summary>
    private bool HiddenCycleCounterReachable(Register register) =>
        vm.Shows(HiddenPmuCycleCounterReachable) && vm.HasPmu && vm.PmuHidden
        && register.Kind is RegisterKind.Pmxevtyper or RegisterKind.Pmxevcntr && (select & 0x1F) == Cycle;

    private Outcome Read(Register register)
    {
        switch (register.Kind)
        {
            case RegisterKind.IdAa64dfr0:
                Rules.Cite("E3");
                return Outcome.Of((ulong)vm.GuestPmuVer << 8); // only the PMUVer field is modelled
            case RegisterKind.Irq:
                return Outcome.Of(InterruptLevel() ? 1UL : 0UL);
            case RegisterKind.MdcrEl2:
                return Outcome.Of(Mdcr());
        }
        if (PmuRegistersUndefined() && !HiddenCycleCounterReachable(register))
        {
            return Outcome.Undef;
        }
        switch (register.Kind)
        {
            case RegisterKind.Pmcr:
                return Outcome.Of(PmcrValue());
            case RegisterKind.PmcntenSet or RegisterKind.PmcntenClr:
                Rules.Cite("R3");
                return Outcome.Of(enableSet);
            case RegisterKind.PmintenSet or RegisterKind.PmintenClr:
                Rules.Cite("R3");
                return Outcome.Of(interruptSet);
            case RegisterKind.PmovsSet or RegisterKind.PmovsClr:
                Rules.Cite("R3");
                return Outcome.Of(overflowSet);
            case RegisterKind.Pmselr:
                return Outcome.Of(select & 0x1F); // only a KD6 SET_ONE_REG stores more
            case RegisterKind.Pmceid0:
                return Outcome.Of(Pmceid(0));
            case RegisterKind.Pmceid1:
                return Outcome.Of(Pmceid(1));
        }
        var index = CounterIndexOf(register);
        if (!CounterAccessible(index))
        {
            return Outcome.Undef;
        }
        Rules.Cite("R4");
        if (IsEventTypeRegister(register))
        {
            // R2: 6.1 masks what the guest reads (only a KD6 SET_ONE_REG stores more than the mask).
            return Outcome.Of(Profile.EventTypeMask == EventTypeMaskRule.Fixed ? eventType[index] & EvtyperMask(vm.Setup.Vm.El2, vm.Setup.Vm.El3) : eventType[index]);
        }
        return Outcome.Of(counter[index]);
    }

    private Outcome Write(Register register, ulong value)
    {
        if (register.Kind == RegisterKind.MdcrEl2)
        {
            WriteMdcr(value);
            return Outcome.Ok;
        }
        if (PmuRegistersUndefined() && !HiddenCycleCounterReachable(register))
        {
            return Outcome.Undef;
        }
        switch (register.Kind)
        {
            case RegisterKind.Pmcr:
                WritePmcr(value);
                return Outcome.Ok;
            case RegisterKind.PmcntenSet:
                enableSet |= value & AccessibleCounters();
                ProgramEnabledCounters(value);
                Reprogram(value & AccessibleCounters());
                return Outcome.Ok;
            case RegisterKind.PmcntenClr:
                enableSet &= ~(value & AccessibleCounters());
                Reprogram(value & AccessibleCounters());
                return Outcome.Ok;
            case RegisterKind.PmintenSet:
                interruptSet |= value & AccessibleCounters();
                return Outcome.Ok;
            case RegisterKind.PmintenClr:
                interruptSet &= ~(value & AccessibleCounters());
                return Outcome.Ok;
            case RegisterKind.PmovsSet:
                overflowSet |= value & AccessibleCounters();
                return Outcome.Ok;
            case RegisterKind.PmovsClr:
                overflowSet &= ~(value & AccessibleCounters());
                return Outcome.Ok;
            case RegisterKind.Pmselr:
                select = value & 0x1F;
                return Outcome.Ok;
        }
        var index = CounterIndexOf(register);
        if (!CounterAccessible(index))
        {
            return Outcome.Undef;
        }
        if (IsEventTypeRegister(register))
        {
            Rules.Cite("R2");
            eventType[index] = value & EvtyperMask(vm.Setup.Vm.El2, vm.Setup.Vm.El3);
        }
        else
        {
            Rules.Cite("R4");
            counter[index] = Is64Bit(index) ? value : value & 0xFFFFFFFF;
        }
        ProgramCounter(index);
        Reprogram(Bit(index));
        return Outcome.Ok;
    }

    /// <summary>The counter a counter register names; PMXEVTYPER/PMXEVCNTR go through PMSELR.SEL.</summary>
    private int CounterIndexOf(Register register) => register.Kind switch
    {
        RegisterKind.Pmevtyper or RegisterKind.Pmevcntr => register.Index,
        RegisterKind.Pmxevtyper or RegisterKind.Pmxevcntr => (int)(select & 0x1F),
        _ => Cycle, // PMCCFILTR, PMCCNTR
    };

    private static bool IsEventTypeRegister(Register register) =>
        register.Kind is RegisterKind.Pmevtyper or RegisterKind.Pmxevtyper or RegisterKind.Pmccfiltr;

    /// <summary>R5, N3: counters at or above the N the guest sees (other than 31) are UNDEFINED.</summary>
    private bool CounterAccessible(int index)
    {
        if (index == Cycle || index < VisibleCounters())
        {
            return true;
        }
        Rules.Cite("R5");
        return false;
    }

    /// <summary>
    /// R2: which bits of PMEVTYPER/PMCCFILTR are stored, given the guest's ID_AA64PFR0_EL1.EL2 and EL3 fields.
    /// R6 (observed on 6.12): the reset values are masked at vCPU creation, when the EL2 field is
    /// still the host's (always set: KVM needs EL2), even if userspace lowers it before the run.
    /// </summary>
    private ulong EvtyperMask(bool guestEl2Field, bool guestEl3Field)
    {
        if (Profile.EventTypeMask == EventTypeMaskRule.Fixed)
        {
            return 0xC800FFFF; // P | U | NSH | all 16 event bits
        }
        var mask = EventTypeBits.P | EventTypeBits.U | vm.GuestEventMask;
        if (guestEl2Field)
        {
            mask |= EventTypeBits.Nsh;
        }
        if (guestEl3Field)
        {
            mask |= EventTypeBits.Nsk | EventTypeBits.Nsu | EventTypeBits.M;
        }
        return mask;
    }

    /// <summary>R1: PMCR_EL0 as read. P and C read as 0; N as in N3 (userspace: the VM's N).</summary>
    private ulong PmcrValue(bool userspace = false)
    {
        Rules.Cite("R1");
        var n = userspace ? vm.Counters : VisibleCounters();
        var value = (pmcr & ~(PmcrBits.P | PmcrBits.C)) | ((ulong)n << PmcrBits.NShift);
        if (Profile.PmcrShowsHostId)
        {
            value |= vm.Host.PmcrId; // 6.1 shows the host's IMP and IDCODE bits
        }
        return value;
    }

    /// <summary>R1, O2, N4: store the writable bits, then act on P and C.</summary>
    private void WritePmcr(ulong value)
    {
        Rules.Cite("R1");
        var stored = value & PmcrBits.Writable;
        if (Profile.EventCounters64Bit && vm.GuestPmuVer < PmuVersion.V3P5)
        {
            Rules.Cite("O2");
            stored &= ~PmcrBits.LP; // 6.12/7.2: LP only exists from V3P5 (6.1 keeps it, without effect)
        }
        if (!vm.Host.AArch32)
        {
            Rules.Cite("O2");
            stored |= PmcrBits.LC;
        }
        var enableChanged = ((pmcr ^ stored) & PmcrBits.E) != 0;
        pmcr = stored & ~(PmcrBits.P | PmcrBits.C); // P and C act; they are not state
        ApplyPmcrResets(value);
        if (enableChanged)
        {
            ReloadPmu();
        }
        Reprogram(AllCounters);
    }

    /// <summary>N4: P resets the event counters the writer can see; C resets the cycle counter.</summary>
    private void ApplyPmcrResets(ulong value)
    {
        if ((value & PmcrBits.P) != 0)
        {
            Rules.Cite("N4");
            for (var i = 0; i < VisibleCounters(); i++)
            {
                counter[i] = 0;
                ProgramCounter(i);
            }
        }
        if ((value & PmcrBits.C) != 0)
        {
            Rules.Cite("N4");
            counter[Cycle] = 0;
            ProgramCounter(Cycle);
        }
    }

    /// <summary>
    /// N1: MDCR_EL2's PMU fields. Without PMUv3 for the guest (no PMU, or 7.2's PMUVer 0) they are
    /// RES0: HPMN, HPME, HPMD and HLP read as 0 and writes are ignored (Arm ARM; 7.2 resets MDCR_EL2 to
    /// nr_pmu_counters, 0 without a PMU, and masks the fields: corpora/kernel-facts/7.2/nested-mdcr-without-pmu.pmu).
    /// HLP exists from PMUv3p5 only (O1): below it the bit is RES0 (observed on 7.2.13: a nested
    /// guest with PMUVer V3P1 writes 0x4000004 and reads 0x4: generated nested seeds 0x151, 0x2e1,
    /// 0x5d9; corpora/kernel-facts/7.2/nested-mdcr-hlp-below-v3p5.pmu).
    /// </summary>
    private ulong Mdcr() =>
        PmuRegistersUndefined() ? 0 :
        hpmn
        | (hpme ? MdcrBits.Hpme : 0)
        | (hpmd ? MdcrBits.Hpmd : 0)
        | (hlp && vm.GuestPmuVer >= PmuVersion.V3P5 ? MdcrBits.Hlp : 0);

    /// <summary>N1: HPMN is clamped to N; without PMUv3 the PMU fields are RES0 (see <see cref="Mdcr"/>).</summary>
    private void WriteMdcr(ulong value)
    {
        Rules.Cite("N1");
        if (PmuRegistersUndefined())
        {
            return;
        }
        hpmn = Math.Min(value & MdcrBits.HpmnMask, (ulong)vm.Counters);
        var hpmeChanged = hpme != ((value & MdcrBits.Hpme) != 0);
        hpme = (value & MdcrBits.Hpme) != 0;
        hpmd = (value & MdcrBits.Hpmd) != 0;
        hlp = (value & MdcrBits.Hlp) != 0;
        if (hpmeChanged || !vm.Shows(MdcrChangeNotReprogrammed))
        {
            // KD15 (7.2): only an HPME change makes the kernel reload the PMU.
            Reprogram(AllCounters);
        }
    }

    // ---------------------------------------------------------------- counters (sections 5, 6, 8)

    private static ulong Bit(int i) => 1UL << i;

    /// <summary>The event counters [0, N) and the cycle counter.</summary>
    private ulong ImplementedCounters() => CountersBelow(vm.Counters) | Bit(Cycle);

    /// <summary>N3: the counters the guest may touch now: outside vEL2 only [0, HPMN).</summary>
    private ulong AccessibleCounters()
    {
        Rules.Cite("R3");
        return CountersBelow(VisibleCounters()) | Bit(Cycle);
    }

    private static ulong CountersBelow(int n) => n >= 64 ? ulong.MaxValue : Bit(n) - 1;

    /// <summary>N3: outside vEL2 a nested guest sees PMCR_EL0.N = HPMN.</summary>
    private int VisibleCounters()
    {
        if (vm.Setup.Vm.Nested && !inHyp)
        {
            Rules.Cite("N3");
            return (int)hpmn;
        }
        return vm.Counters;
    }

    /// <summary>N1: hyp counters are [HPMN, N) in a nested VM when HPMN &lt; N; never the cycle counter.</summary>
    private bool IsHypCounter(int i)
    {
        var hyp = vm.Setup.Vm.Nested && i != Cycle && (ulong)vm.Counters > hpmn && (ulong)i >= hpmn && i < vm.Counters;
        if (hyp)
        {
            Rules.Cite("N1");
        }
        return hyp;
    }

    private ulong HypCounters()
    {
        ulong mask = 0;
        for (var i = 0; i < Cycle; i++)
        {
            if (IsHypCounter(i))
            {
                mask |= Bit(i);
            }
        }
        return mask;
    }

    /// <summary>C1: the event a counter counts; the cycle counter always counts CPU_CYCLES.</summary>
    private uint SelectedEvent(int i) => SelectedEvent(i, eventType[i]);

    private uint SelectedEvent(int i, ulong type)
    {
        Rules.Cite("C1");
        Rules.Cite("E2");
        return i == Cycle ? Events.CpuCycles : (uint)(type & vm.GuestEventMask);
    }

    /// <summary>C2: SW_INCR and CHAIN counters are never backed; the others iff their event is allowed.</summary>
    private bool Backed(int i) => Backed(i, eventType[i]);

    private bool Backed(int i, ulong type)
    {
        var e = SelectedEvent(i, type);
        if (e is Events.SwIncr or Events.Chain)
        {
            return false;
        }
        Rules.Cite("C2");
        return vm.Allowed(e);
    }

    private bool PmcrEnabled => (pmcr & PmcrBits.E) != 0;

    /// <summary>C3: PMCNTENSET and PMCR.E; a hyp counter uses MDCR_EL2.HPME instead of PMCR.E (7.2).</summary>
    private bool Enabled(int i)
    {
        Rules.Cite("C3");
        if ((enableSet & Bit(i)) == 0)
        {
            return false;
        }
        return IsHypCounter(i) ? hpme : PmcrEnabled;
    }

    /// <summary>C4, N2: whether a counter counts at the guest exception level where events happen.</summary>
    private bool CountsAt(int i, GuestEl el) => CountsAt(i, el, eventType[i]);

    private bool CountsAt(int i, GuestEl el, ulong type)
    {
        Rules.Cite("C4");
        bool Has(ulong bit) => EventTypeBits.IsSet(type, bit);
        if (Profile.ExceptionLevels == ExceptionLevelRule.UAndPOnly)
        {
            // 6.1 never stores NSU/NSK: only U and P decide.
            return el == GuestEl.El0 ? !Has(EventTypeBits.U) : !Has(EventTypeBits.P);
        }
        switch (el)
        {
            case GuestEl.El0:
                return Has(EventTypeBits.U) == Has(EventTypeBits.Nsu);
            case GuestEl.El1:
                return Has(EventTypeBits.P) == Has(EventTypeBits.Nsk);
            default:
                // vEL2 runs at real EL1, but follows the guest's EL2 controls (N2).
                Rules.Cite("N2");
                return Has(EventTypeBits.Nsh) && !(!IsHypCounter(i) && hpmd);
        }
    }

    /// <summary>O1: the cycle counter is 64-bit; event counters from guest PMUVer V3P5 (not in 6.1).</summary>
    private bool Is64Bit(int i)
    {
        Rules.Cite("O1");
        return i == Cycle || (Profile.EventCounters64Bit && vm.GuestPmuVer >= PmuVersion.V3P5);
    }

    /// <summary>O1: overflow at 64 bits: HLP for hyp counters, LP for event counters (not 6.1), LC for the cycle counter.</summary>
    private bool Has64BitOverflow(int i)
    {
        if (i == Cycle)
        {
            return (pmcr & PmcrBits.LC) != 0;
        }
        if (IsHypCounter(i))
        {
            return hlp;
        }
        return Profile.EventCounters64Bit && (pmcr & PmcrBits.LP) != 0;
    }

    /// <summary>O1, O4: whether counter <paramref name="i"/> wraps at 64 bits now: the width in force at the wrap decides.</summary>
    private bool OverflowAt64(int i)
    {
        Rules.Cite("O4");
        return Is64Bit(i) && Has64BitOverflow(i);
    }

    /// <summary>
    /// The width hardware events wrap counter <paramref name="i"/> at: O4's; under deviation KD3 the
    /// one its perf event was last programmed with; under deviation KD8 (6.1) 64 bits for the cycle
    /// counter whatever LC says.
    /// </summary>
    private bool HardwareOverflowAt64(int i)
    {
        if (i == Cycle && vm.Shows(CycleCounterIgnoresLc))
        {
            return true;
        }
        return vm.Shows(OverflowWidthFixedWhenProgrammed) && programmedOverflowAt64[i] is { } programmed ? programmed : OverflowAt64(i);
    }

    /// <summary>C7: an even counter below 30 without 64-bit overflow feeds its odd neighbour.</summary>
    private bool CanChain(int i) => i % 2 == 0 && i + 1 < Cycle && !Has64BitOverflow(i);

    /// <summary>
    /// C5, O1, O4: <paramref name="k"/> single increments of counter <paramref name="i"/>. Each
    /// increment that wraps the overflow width in force now sets PMOVSSET[i] and, if the counter can
    /// chain, increments its neighbour once (C7). Done arithmetically so that large counts need no
    /// loop: the number of wraps is how often the value within the overflow width passes its maximum.
    /// <paramref name="byHardware"/>: the increments are hardware events, which deviation KD3 counts
    /// with the width the counter was last programmed with.
    /// </summary>
    private void Advance(int i, ulong k, bool byHardware = false)
    {
        if (k == 0)
        {
            return;
        }
        var before = counter[i];
        var overflowAt64 = byHardware ? HardwareOverflowAt64(i) : OverflowAt64(i);
        ulong wraps;
        if (overflowAt64)
        {
            wraps = before + k < before ? 1UL : 0UL; // k < 2^32: at most one wrap of 64 bits
        }
        else
        {
            wraps = ((before & 0xFFFFFFFF) + k) >> 32; // a 64-bit counter keeps counting in its upper half
        }
        counter[i] = Is64Bit(i) ? before + k : (before + k) & 0xFFFFFFFF;
        if (wraps == 0)
        {
            return;
        }
        Rules.Cite("O1");
        overflowSet |= Bit(i);
        if (byHardware)
        {
            ProgramCounter(i); // KD3 bookkeeping: KVM recomputes the sample period at each overflow
        }
        if (CanChain(i))
        {
            ChainIncrement(i + 1, wraps);
        }
    }

    /// <summary>C7: the odd neighbour counts the overflows if enabled (PMCR.E, PMCNTENSET) and set to CHAIN. No filter, no EL bits.</summary>
    private void ChainIncrement(int j, ulong overflows)
    {
        if (CountsChain(j))
        {
            Rules.Cite("C7"); // cited only when a CHAIN neighbour really counts
            Advance(j, overflows);
        }
    }

    private bool CountsChain(int j) =>
        j < vm.Counters && PmcrEnabled && (enableSet & Bit(j)) != 0 && SelectedEvent(j) == Events.Chain;

    /// <summary>C6: PMSWINC. PMCR.E gates everything; the filter, EL bits and current EL are ignored.</summary>
    private Outcome SoftwareIncrement(ulong mask)
    {
        if (PmuRegistersUndefined())
        {
            return Outcome.Undef;
        }
        Rules.Cite("C6");
        if (!PmcrEnabled)
        {
            return Outcome.Ok;
        }
        var candidates = mask & AccessibleCounters() & enableSet;
        for (var i = 0; i < Cycle && i < vm.Counters; i++)
        {
            if ((candidates & Bit(i)) != 0 && SelectedEvent(i) == Events.SwIncr)
            {
                Advance(i, 1);
            }
        }
        return Outcome.Ok;
    }

    /// <summary>C5: the hardware saw <paramref name="count"/> occurrences of <paramref name="e"/> at <paramref name="el"/>.</summary>
    private void HardwareEvents(ushort e, ulong count, GuestEl el)
    {
        Rules.Cite("C5");
        if (!vm.HasPmu)
        {
            return;
        }
        foreach (var i in CounterIndices())
        {
            if (CountsHardwareEvent(i, e, el))
            {
                Advance(i, count, byHardware: true);
            }
        }
    }

    /// <summary>C5: whether one occurrence of hardware event <paramref name="e"/> at <paramref name="el"/> advances counter <paramref name="i"/> now.</summary>
    internal bool CountsHardwareEvent(int i, ushort e, GuestEl el)
    {
        if (!vm.HasPmu || !(i == Cycle || i < vm.Counters))
        {
            return false;
        }
        if (CountsByProgramming)
        {
            // KD12, KD13: the perf event as last programmed, whatever the registers say now.
            var type = programmedType[i];
            var atEl = !vm.Shows(MdcrChangeNotReprogrammed) ? CountsAt(i, el, type)
                : ((el == GuestEl.El0 ? programmedAtEl0 : programmedAtKernel) & Bit(i)) != 0;
            return (programmedOn & Bit(i)) != 0 && SelectedEvent(i, type) == e && Backed(i, type) && atEl;
        }
        return SelectedEvent(i) == e && Backed(i) && Enabled(i) && CountsAt(i, el);
    }

    /// <summary>C7: whether an overflow of counter <paramref name="i"/> would increment its CHAIN neighbour now.</summary>
    internal bool FeedsChain(int i) => i < Cycle && CanChain(i) && CountsChain(i + 1);

    /// <summary>The stored value of counter <paramref name="i"/> (31: the cycle counter).</summary>
    internal ulong CounterValue(int i) => counter[i];

    /// <summary>O1: the value at which counter <paramref name="i"/> overflows next, minus its current value.</summary>
    internal ulong DistanceToOverflow(int i) =>
        !HardwareOverflowAt64(i) ? 0x1_0000_0000UL - (counter[i] & 0xFFFFFFFF)
            : counter[i] == 0 ? ulong.MaxValue // 2^64 does not fit: the farthest there is
            : ulong.MaxValue - counter[i] + 1;

    // What an observer (the kernel projection) may know of this vCPU, read-only: these change
    // nothing and cite no rule (PmuRegistersUndefined's condition without its citation).

    /// <summary>Whether the vCPU is in its hyp context (vEL2, N2).</summary>
    public bool InHypContext => inHyp;

    /// <summary>A read-only view of counter <paramref name="i"/> (31: the cycle counter).</summary>
    public CounterView Counter(int i) => new(this, i);

    /// <summary>PMSELR_EL0.SEL as the guest would read it (the counter PMXEVTYPER/PMXEVCNTR name), or -1 while the PMU registers are UNDEFINED.</summary>
    public int SelectedCounter => !vm.HasPmu || vm.PmuHidden ? -1 : (int)(select & 0x1F);

    /// <summary>PMINTENSET_EL0 as the guest would read it, or 0 while the PMU registers are UNDEFINED.</summary>
    public ulong InterruptEnables => !vm.HasPmu || vm.PmuHidden ? 0 : interruptSet;

    private IEnumerable<int> CounterIndices() => Enumerable.Range(0, vm.Counters).Append(Cycle);

    /// <summary>O3: the level of the PMU interrupt line.</summary>
    private bool InterruptLevel()
    {
        Rules.Cite("O3");
        if (!vm.HasPmu)
        {
            return false;
        }
        // PMCNTENSET plays no part (observed on all three kernels). No mask by N either: bits above N
        // cannot be set while N is fixed, and under deviation KD1 (N lowered after the run) the
        // kernel keeps driving the line with them.
        var overflow = overflowSet & interruptSet;
        if (!Profile.HypInterruptSplit)
        {
            return PmcrEnabled && overflow != 0;
        }
        if (!PmcrEnabled)
        {
            overflow &= HypCounters();
        }
        if (!hpme)
        {
            overflow &= ~HypCounters();
        }
        return overflow != 0;
    }

    // ---------------------------------------------------------------- PMCEID (section 7)

    /// <summary>P1-P4: PMCEID0 (<paramref name="which"/> = 0) or PMCEID1 as the guest reads it.</summary>
    private ulong Pmceid(int which)
    {
        Rules.Cite("P1");
        var value = which == 0 ? vm.Host.Pmceid0 : vm.Host.Pmceid1;

        // P2: forced bits.
        if (which == 0 && Profile.ForcedPmceid0Events.Count > 0)
        {
            Rules.Cite("P2");
            foreach (var forced in Profile.ForcedPmceid0Events)
            {
                value |= Bit((int)forced);
            }
        }

        // P3: hidden bits (hiding is not filtering).
        if (which == 1)
        {
            Rules.Cite("P3");
            if (vm.Host.PmuVer >= Profile.HidesPmceid1FromHostPmuVer)
            {
                foreach (var hidden in Profile.HiddenPmceid1Events)
                {
                    value &= ~Bit((int)hidden - 32);
                }
            }
        }

        // P4: no filter, no mask. Otherwise keep the bits of allowed events; the high half only if
        // the guest's event space reaches the 0x4000 range.
        if (vm.Filter is null)
        {
            return value;
        }
        Rules.Cite("P4");
        var first = which == 0 ? 0u : 32u;
        ulong mask = 0;
        for (var k = 0; k < 32; k++)
        {
            if (vm.Allowed(first + (uint)k))
            {
                mask |= Bit(k);
            }
            if ((uint)vm.GuestEventMask + 1 >= 0x4000 + first + 32 && vm.Allowed(0x4000 + first + (uint)k))
            {
                mask |= Bit(32 + k);
            }
        }
        return value & mask;
    }
}
