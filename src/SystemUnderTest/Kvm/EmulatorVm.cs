using PmuConformance.Scenarios;

namespace PmuConformance.SystemUnderTest;

/// <summary>
/// The KVM side of one VM (profile 7.2): VM-wide state (filter bitmap, frozen or not, selected PMU,
/// guest PMUVer, counter count, PMCEID) and the userspace ioctls. Guest steps go to the vCPU.
/// </summary>
public sealed class EmulatorVm<TPolicy> : ISimulatedVm
    where TPolicy : struct, IEmulatorPolicy
{
    private readonly EmulatorVcpu<TPolicy>[] vcpus;

    public EmulatorVm(Setup setup)
    {
        if (setup.Profile != KernelProfile.V7_2)
        {
            throw new ArgumentException(EmulatorProfiles.WhyNotRunnable(setup), nameof(setup));
        }
        Setup = setup;
        HostLimit = setup.Host.PmuVer == PmuVersion.ImpDef ? PmuVersion.None : Math.Min(setup.Host.PmuVer, PmuVersion.V3P5);
        HasPmu = setup.Vm.Pmu && setup.Host.PmuVer is not (PmuVersion.None or PmuVersion.ImpDef);
        GuestPmuVer = HasPmu ? HostLimit : PmuVersion.None;
        Counters = setup.Host.Counters;
        FilterSpace = TPolicy.AppliedEventMask(TPolicy.EventMask(HostLimit)) + 1u;
        vcpus = new EmulatorVcpu<TPolicy>[setup.Vm.Vcpus];
        for (var i = 0; i < vcpus.Length; i++)
        {
            vcpus[i] = new EmulatorVcpu<TPolicy>(this, i);
        }
    }

    public Setup Setup { get; }

    /// <summary>F9: min(host PMUVer, V3P5), IMP_DEF counting as no PMU.</summary>
    internal byte HostLimit { get; }

    /// <summary>F1: the vCPUs have PMUv3.</summary>
    internal bool HasPmu { get; }

    /// <summary>E3: ID_AA64DFR0_EL1.PMUVer as the guest sees it.</summary>
    internal byte GuestPmuVer { get; private set; }

    /// <summary>PMCR_EL0.N (SET_NR_COUNTERS may change it even after the first run).</summary>
    internal int Counters { get; private set; }

    /// <summary>F9: events a filter range may cover.</summary>
    internal uint FilterSpace { get; }

    /// <summary>U3: null until the first successful FILTER call.</summary>
    internal FilterBitmap? Filter { get; private set; }

    /// <summary>
    /// E3 (observed on 7.2, as the model has it): the ID registers are finalised at the first KVM_RUN
    /// of any vCPU, even one that fails, so a guest PMUVer of 0 then hides the PMU registers for good.
    /// </summary>
    internal bool PmuHidden { get; private set; }

    /// <summary>L2: some vCPU has run; the configuration is frozen.</summary>
    internal bool Frozen { get; private set; }

    internal uint SelectedPmu { get; private set; }

    /// <summary>E2: the guest event mask (for the vCPUs' reset values before the freeze, and fixed after it).</summary>
    internal ushort GuestEventMask => TPolicy.EventMask(GuestPmuVer);

    /// <summary>P2: CHAIN and SW_INCR are always in PMCEID0 (before the filter's mask).</summary>
    private const ulong ForcedPmceid0 = (1UL << Events.Chain) | (1UL << Events.SwIncr);

    /// <summary>P3: the STALL_SLOT events (0x3D-0x3F) are never in PMCEID1.</summary>
    private const ulong HiddenPmceid1 = (1UL << (Events.StallSlotBackend - 32))
        | (1UL << (Events.StallSlotFrontend - 32)) | (1UL << (Events.StallSlot - 32));

    /// <summary>
    /// P1-P4: PMCEID0 as the guest reads it. The guest reads it only after the first run, when
    /// neither the filter (F5) nor the guest PMUVer (E3) can change any more: it is constant (P5).
    /// </summary>
    internal ulong Pmceid0 => FilterMasked(Setup.Host.Pmceid0 | ForcedPmceid0, firstEvent: 0);

    /// <summary>P1-P4: PMCEID1 as the guest reads it (constant, as PMCEID0).</summary>
    internal ulong Pmceid1 => FilterMasked(Setup.Host.Pmceid1 & ~HiddenPmceid1, firstEvent: 32);

    /// <summary>B5: whether an event may count; no filter allows everything.</summary>
    internal bool Allowed(uint e) => Filter is not { } filter || filter.Allows(e);

    public Outcome Apply(Step step)
    {
        var vcpu = vcpus[step.Vcpu];
        return step switch
        {
            // The frequent guest steps first, by their exact (sealed) types: the cheapest type tests.
            EventsStep e => vcpu.HardwareEvents(e.Event, e.Count, e.El),
            WriteStep w => vcpu.Write(w.Register, w.Value),
            ReadStep r => vcpu.Read(r.Register),
            GuestStep g => vcpu.Apply(g),
            FilterStep f => InstallFilter(vcpu, f),
            FilterFaultStep => InstallFilter(vcpu, null),
            SetPmuStep s => SetPmu(vcpu, s.PmuIndex),
            SetNrCountersStep s => SetNrCounters(vcpu, s.Count),
            SetPmuVerStep s => SetGuestPmuVer(s.Version),
            AttrStep => DeviceAttributeGate(vcpu) ?? Outcome.Error(Errno.ENXIO),
            HasAttrStep h => HasPmu && h.Attribute <= 4 ? Outcome.Ok : Outcome.Error(Errno.ENXIO), // I4 (7.2)
            SetIrqStep s => DeviceAttributeGate(vcpu) ?? AssignIrq(vcpu, s.Intid),
            InitStep i => Init(vcpu, i.NoIrq),
            RunStep => Run(vcpu),
            ResetStep => Reset(vcpu),
            GetRegStep { Register.Kind: RegisterKind.IdAa64dfr0 } => Outcome.Of((ulong)GuestPmuVer << 8),
            GetRegStep g => NotInRegisterList(g.Register) ?? vcpu.GetRegister(g.Register),
            SetRegStep s => NotInRegisterList(s.Register) ?? SetRegister(vcpu, s.Register, s.Value),
            _ => throw new ArgumentException($"unknown step {step}", nameof(step)),
        };
    }

    /// <summary>F1-F5 in order; a failed call changes nothing (F8). <paramref name="filter"/> null: bad pointer (F3).</summary>
    private Outcome InstallFilter(EmulatorVcpu<TPolicy> vcpu, FilterStep? filter)
    {
        if (DeviceAttributeGate(vcpu) is { } refused)
        {
            return refused;
        }
        if (filter is null)
        {
            return Outcome.Error(Errno.EFAULT);
        }
        var end = (uint)filter.Base + filter.Count; // F4a: 32-bit, never wraps
        if (end > FilterSpace || filter.Action > FilterStep.Deny)
        {
            return Outcome.Error(Errno.EINVAL);
        }
        if (!TPolicy.MayInstallFilter(Frozen))
        {
            return Outcome.Error(Errno.EBUSY);
        }
        var allow = filter.Action == FilterStep.Allow;
        Filter ??= new FilterBitmap(firstActionIsAllow: allow); // B1, F7
        Filter.Apply(allow, filter.Base, filter.Count); // B2
        foreach (var other in vcpus)
        {
            other.FilterChanged(); // B5, C2: the filter is an input of every hardware event type
        }
        return Outcome.Ok;
    }

    /// <summary>F1, F2: every PMU attribute first needs a PMU and a vCPU that has not done INIT.</summary>
    private Outcome? DeviceAttributeGate(EmulatorVcpu<TPolicy> vcpu) =>
        !HasPmu ? Outcome.Error(Errno.ENODEV)
        : vcpu.PmuInitialised ? Outcome.Error(Errno.EBUSY)
        : null;

    /// <summary>L3: SET_PMU; re-selecting the same PMU is allowed even with a filter.</summary>
    private Outcome SetPmu(EmulatorVcpu<TPolicy> vcpu, uint pmu)
    {
        if (DeviceAttributeGate(vcpu) is { } refused)
        {
            return refused;
        }
        if (pmu >= Setup.Host.Pmus)
        {
            return Outcome.Error(Errno.ENXIO);
        }
        if (Frozen || (Filter is not null && pmu != SelectedPmu))
        {
            return Outcome.Error(Errno.EBUSY);
        }
        SelectedPmu = pmu;
        SetCounters(Setup.Host.Counters);
        return Outcome.Ok;
    }

    /// <summary>
    /// U1: SET_NR_COUNTERS (7.2): above the host's count EINVAL. Observed on 7.2 (the model follows
    /// corpora/kernel-facts/7.2/set-nr-counters-after-run.pmu): not refused after the first run, through
    /// a vCPU without INIT, and every vCPU, running ones included, then shows the new count.
    /// </summary>
    private Outcome SetNrCounters(EmulatorVcpu<TPolicy> vcpu, uint count)
    {
        if (DeviceAttributeGate(vcpu) is { } refused)
        {
            return refused;
        }
        if (count > Setup.Host.Counters)
        {
            return Outcome.Error(Errno.EINVAL);
        }
        if (Frozen)
        {
            return Outcome.Error(Errno.EBUSY); // L2: the configuration is frozen once a vCPU has run
        }
        SetCounters((int)count);
        return Outcome.Ok;
    }

    /// <summary>N1: the counter count moves every vCPU's HPMN with it.</summary>
    private void SetCounters(int count)
    {
        Counters = count;
        foreach (var vcpu in vcpus)
        {
            vcpu.CounterCountChanged();
        }
    }

    /// <summary>E3: lower-only before the run (IMP_DEF stored as 0); after it only the current value.</summary>
    private Outcome SetGuestPmuVer(byte requested)
    {
        var value = requested == PmuVersion.ImpDef ? PmuVersion.None : requested;
        if (Frozen)
        {
            return value == GuestPmuVer ? Outcome.Ok : Outcome.Error(Errno.EBUSY);
        }
        var limit = HasPmu ? HostLimit : PmuVersion.None;
        if (value > limit)
        {
            return Outcome.Error(Errno.EINVAL);
        }
        GuestPmuVer = value;
        return Outcome.Ok;
    }

    /// <summary>
    /// L1, I2: INIT once per vCPU; <c>init</c> first sets PPI 23 if the vCPU has no interrupt. INIT
    /// needs an interrupt (ENXIO) that the vGIC implements (an SPI of 256 or more: EINVAL).
    /// </summary>
    private Outcome Init(EmulatorVcpu<TPolicy> vcpu, bool noIrq)
    {
        if (DeviceAttributeGate(vcpu) is { } refused)
        {
            return refused;
        }
        if (!noIrq && vcpu.Irq is null && AssignIrq(vcpu, SetIrqStep.DefaultPpi) is { Kind: OutcomeKind.Errno } failed)
        {
            return failed;
        }
        if (vcpu.Irq is not { } irq)
        {
            return Outcome.Error(Errno.ENXIO);
        }
        if (irq >= 256)
        {
            return Outcome.Error(Errno.EINVAL);
        }
        vcpu.PmuInitialised = true;
        return Outcome.Ok;
    }

    /// <summary>
    /// I1: a PPI (16-31) or an SPI (32-1019); a PPI must be the one every vCPU with an interrupt
    /// has, an SPI one that none has; a vCPU's interrupt is set once (EBUSY).
    /// </summary>
    private Outcome AssignIrq(EmulatorVcpu<TPolicy> vcpu, uint intid)
    {
        if (intid is < 16 or > 1019)
        {
            return Outcome.Error(Errno.EINVAL);
        }
        var ppi = intid < 32;
        foreach (var other in vcpus)
        {
            if (other.Irq is { } set && (ppi ? set != intid : set == intid))
            {
                return Outcome.Error(Errno.EINVAL);
            }
        }
        if (vcpu.Irq is not null)
        {
            return Outcome.Error(Errno.EBUSY);
        }
        vcpu.Irq = intid;
        return Outcome.Ok;
    }

    /// <summary>L4: a vCPU reset always succeeds; the PMU's INIT, the interrupt and the VM state stay.</summary>
    private static Outcome Reset(EmulatorVcpu<TPolicy> vcpu)
    {
        vcpu.ResetVcpu();
        return Outcome.Ok;
    }

    /// <summary>V1: without PMUv3 no PMU register is listed; PMCEID, PMXEV* and (not nested) MDCR_EL2 never are.</summary>
    private Outcome? NotInRegisterList(Register register) =>
        register.Kind == RegisterKind.IdAa64dfr0 ? null
        : !HasPmu || register.Kind is RegisterKind.Pmceid0 or RegisterKind.Pmceid1 or RegisterKind.Pmxevtyper or RegisterKind.Pmxevcntr
            || (register.Kind == RegisterKind.MdcrEl2 && !Setup.Vm.Nested) ? Outcome.Error(Errno.ENOENT)
        : null;

    /// <summary>V2, V4: a PMCR restore before the first run with N up to the host's sets the VM's N.</summary>
    private Outcome SetRegister(EmulatorVcpu<TPolicy> vcpu, Register register, ulong value)
    {
        if (register.Kind == RegisterKind.Pmcr)
        {
            var n = (value >> PmcrFields.NShift) & 0x1F;
            if (!Frozen && n <= (ulong)Setup.Host.Counters)
            {
                SetCounters((int)n);
            }
        }
        return vcpu.SetRegister(register, value);
    }

    /// <summary>L1, L2: KVM_RUN needs INIT on a PMU vCPU; the first run freezes the VM; running loads the vCPU.</summary>
    private Outcome Run(EmulatorVcpu<TPolicy> vcpu)
    {
        if (HasPmu && !vcpu.PmuInitialised)
        {
            return Outcome.Error(Errno.EINVAL); // L2: a failed run freezes and fixes nothing
        }
        if (!Frozen)
        {
            PmuHidden = GuestPmuVer == PmuVersion.None; // E3 (7.2), decided at the first successful run
            Frozen = true;
        }
        vcpu.Run();
        return Outcome.Ok;
    }

    /// <summary>P4: a value of PMCEID as it is without a filter; with one, ANDed with the filter's mask.</summary>
    private ulong FilterMasked(ulong pmceid, uint firstEvent) =>
        Filter is { } filter ? pmceid & TPolicy.PmceidFilterMask(filter, firstEvent, GuestEventMask) : pmceid;
}

/// <summary>Which set-ups the emulator runs.</summary>
public static class EmulatorProfiles
{
    public static string? WhyNotRunnable(Setup setup) =>
        setup.Profile != KernelProfile.V7_2
            ? $"the emulator implements profile 7.2 only, not {KernelProfiles.Name(setup.Profile)} (use --target model for other profiles)"
            : !setup.Deviations.IsEmpty
                ? $"the emulator implements the intended behaviour, not the kernel deviations {setup.Deviations} (use --target model)"
                : null;
}
