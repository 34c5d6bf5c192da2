using PmuConformance.Scenarios;
using static PmuConformance.ReferenceModel.DeviationSwitches;

namespace PmuConformance.ReferenceModel;

/// <summary>
/// One VM as the kernel profile sees it: the VM-wide state (filter, frozen or not, selected PMU,
/// guest PMUVer, number of counters) and the userspace ioctls (sections 1, 2, 9b, E3).
/// Guest steps are delegated to the vCPU's <see cref="ModelVcpu"/>.
/// </summary>
public sealed class ModelVm : ISimulatedVm
{
    private readonly ModelVcpu[] vcpus;

    public ModelVm(Setup setup, RuleTrace rules)
    {
        Setup = setup;
        Rules = rules;
        HasPmu = setup.Vm.Pmu && EventSpace.HostHasPmu(setup.Host);
        GuestPmuVer = EventSpace.DefaultGuestPmuVer(setup.ProfileRules, setup.Host, HasPmu);
        Counters = setup.Host.Counters;
        vcpus = Enumerable.Range(0, setup.Vm.Vcpus).Select(i => new ModelVcpu(this, i)).ToArray();
    }

    public Setup Setup { get; }

    /// <summary>The kernel profile's row values (behaviour.md section 10).</summary>
    public ProfileRules Profile => Setup.ProfileRules;

    public HostSpec Host => Setup.Host;

    public RuleTrace Rules { get; }

    /// <summary>F1: the vCPUs have the PMUv3 feature (the VM asked for it and the host has one).</summary>
    public bool HasPmu { get; }

    /// <summary>U3: the filter belongs to the VM; null until the first successful FILTER call.</summary>
    public EventFilter? Filter { get; private set; }

    /// <summary>L2: some vCPU has done KVM_RUN; the configuration is frozen.</summary>
    public bool HasRun { get; private set; }

    /// <summary>Some vCPU has called KVM_RUN, successfully or not (KD2 fixes the PMU's visibility then).</summary>
    public bool RunAttempted { get; private set; }

    /// <summary>E3 (7.2): the guest PMUVer was 0 at the first successful KVM_RUN, so every PMU register is UNDEFINED.</summary>
    public bool PmuHidden { get; private set; }

    /// <summary>
    /// Section 13: whether this VM reproduces known kernel deviation <paramref name="id"/> (the
    /// scenario's <c>deviations</c> line). Without one the model is the intended behaviour.
    /// </summary>
    public bool Shows(string id) => Setup.Deviations.Contains(id);

    /// <summary>E3: ID_AA64DFR0_EL1.PMUVer as the guest sees it.</summary>
    public byte GuestPmuVer { get; private set; }

    /// <summary>PMCR_EL0.N: the number of event counters (host counters, or SET_NR_COUNTERS in 7.2).</summary>
    public int Counters { get; private set; }

    /// <summary>L3: the index of the host PMU backing the VM.</summary>
    public uint SelectedPmu { get; private set; }

    /// <summary>E2: the mask applied to every guest event number; its width comes from E1's EventMask.</summary>
    public ushort GuestEventMask
    {
        get
        {
            Rules.Cite("E1");
            Rules.Cite("E2");
            return EventSpace.GuestEventMask(Profile, Host, GuestPmuVer);
        }
    }

    /// <summary>B5: whether an event (already masked to the guest width) may count.</summary>
    public bool Allowed(uint e)
    {
        Rules.Cite("B5");
        return Filter is null || Filter.Allows(e);
    }

    /// <summary>A vCPU's PMU, for observers such as the kernel oracle's projection.</summary>
    public ModelVcpu Vcpu(int index) => vcpus[index];

    public Outcome Apply(Step step)
    {
        var vcpu = vcpus[step.Vcpu];
        return step switch
        {
            FilterStep f => InstallFilter(vcpu, f),
            FilterFaultStep => InstallFilter(vcpu, null),
            SetPmuStep s => SetPmu(vcpu, s.PmuIndex),
            SetNrCountersStep s => SetNrCounters(vcpu, s.Count),
            SetPmuVerStep s => SetGuestPmuVer(s.Version),
            AttrStep => UnknownAttribute(vcpu),
            HasAttrStep h => HasAttribute(h.Attribute),
            SetIrqStep s => SetIrq(vcpu, s.Intid),
            InitStep i => Init(vcpu, i.NoIrq),
            RunStep => Run(vcpu),
            ResetStep => Reset(vcpu),
            GetRegStep g => vcpu.GetRegister(g.Register),
            SetRegStep s => vcpu.SetRegister(s.Register, s.Value),
            GuestStep g => vcpu.Apply(g),
            _ => throw new ArgumentException($"unknown step {step}", nameof(step)),
        };
    }

    /// <summary>The last PPI of the vGIC's private interrupts; SPIs start after it (I1).</summary>
    private const uint LastPpi = 31;

    /// <summary>The largest SPI number the IRQ attribute accepts (GIC: 1019; I1).</summary>
    private const uint LastSpi = 1019;

    /// <summary>
    /// The interrupts the VM's vGIC implements: the oracle's VMs create a vGICv3 without setting its
    /// number of interrupts, which gives the default 256 (SPIs 32-255); observed on all three kernels
    /// (corpora/kernel-facts/*/irq-spi-range.pmu).
    /// </summary>
    public const uint VgicInterrupts = 256;

    /// <summary>
    /// U1, I4 (proposed, observed on all three kernels: corpora/kernel-facts/*/has-attr.pmu):
    /// KVM_HAS_DEVICE_ATTR answers from the vCPU's PMU feature alone: without PMUv3 every attribute
    /// is ENXIO (not ENODEV as for SET); with it IRQ, INIT, FILTER and SET_PMU exist, SET_NR_COUNTERS
    /// in 7.2 only, nothing else. INIT, the run and a reset change nothing.
    /// </summary>
    private Outcome HasAttribute(ulong attribute)
    {
        Rules.Cite("U1");
        if (!HasPmu)
        {
            return Outcome.Error(Errno.ENXIO);
        }
        var exists = attribute <= 3 || (attribute == 4 && Profile.HasSetNrCounters);
        return exists ? Outcome.Ok : Outcome.Error(Errno.ENXIO);
    }

    /// <summary>
    /// L1, I1 (proposed; observed on all three kernels: corpora/kernel-facts/*/irq-*.pmu): the IRQ
    /// attribute. After the gate (F1 ENODEV, F2 EBUSY): a number that is neither a PPI (16-31) nor
    /// an SPI (32-1019) is EINVAL; so is a PPI that differs from the interrupt of any vCPU that has
    /// one (itself included), or an SPI that some vCPU (itself included) already uses; only then is
    /// a vCPU that already has its interrupt EBUSY.
    /// </summary>
    private Outcome SetIrq(ModelVcpu vcpu, uint intid)
    {
        Rules.Cite("L1");
        if (DeviceAttributeGate(vcpu) is { } refused)
        {
            return refused;
        }
        return AssignIrq(vcpu, intid);
    }

    private Outcome AssignIrq(ModelVcpu vcpu, uint intid)
    {
        if (intid is < 16 or > LastSpi)
        {
            return Outcome.Error(Errno.EINVAL);
        }
        foreach (var other in vcpus)
        {
            if (other.Irq is not { } set)
            {
                continue;
            }
            var clash = intid <= LastPpi ? set != intid : set == intid;
            if (clash)
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

    /// <summary>
    /// F1-F5 in order: the first failing check decides, and a failed call changes nothing (F8).
    /// <paramref name="filter"/> is null for an unreadable pointer.
    /// </summary>
    private Outcome InstallFilter(ModelVcpu vcpu, FilterStep? filter)
    {
        Rules.Cite("U1");
        Rules.Cite("F8");
        if (DeviceAttributeGate(vcpu) is { } refused)
        {
            return refused;
        }
        if (filter is null)
        {
            Rules.Cite("F3");
            return Outcome.Error(Errno.EFAULT);
        }
        Rules.Cite("U2"); // the struct: base, nevents, action; pad never read
        var space = EventSpace.FilterSpace(Profile, Host);
        Rules.Cite("F9");
        Rules.Cite("E1"); // the space is EventMask(v) + 1
        var end = (uint)filter.Base + filter.Count; // F4a: a 32-bit sum never wraps
        if (end > space || filter.Action > FilterStep.Deny)
        {
            Rules.Cite("F4");
            Rules.Cite(end > space ? "F4a" : "F4b");
            return Outcome.Error(Errno.EINVAL);
        }
        if (end == space)
        {
            Rules.Cite("F4a");
        }
        if (HasRun)
        {
            Rules.Cite("F5");
            return Outcome.Error(Errno.EBUSY);
        }
        Rules.Cite("F6");
        Rules.Cite("U3");
        var allow = filter.Action == FilterStep.Allow;
        if (Filter is null)
        {
            Rules.Cite("B1");
            if (filter.Count == 0)
            {
                Rules.Cite("F7");
            }
            Filter = new EventFilter(space, firstActionIsAllow: allow);
        }
        else
        {
            Rules.Cite("B3"); // every later call only sets or clears its range: no default again
        }
        Rules.Cite("B2");
        Filter.Apply(allow, filter.Base, filter.Count);
        return Outcome.Ok;
    }

    /// <summary>
    /// F1 and F2, which every attribute of the PMU group passes first: a vCPU without PMUv3 is
    /// ENODEV; a vCPU whose PMU is initialised is EBUSY.
    /// </summary>
    private Outcome? DeviceAttributeGate(ModelVcpu vcpu)
    {
        if (!HasPmu)
        {
            Rules.Cite("F1");
            return Outcome.Error(Errno.ENODEV);
        }
        if (vcpu.PmuInitialised)
        {
            Rules.Cite("F2");
            return Outcome.Error(Errno.EBUSY);
        }
        return null;
    }

    /// <summary>U1: an attribute the PMU group does not know.</summary>
    private Outcome UnknownAttribute(ModelVcpu vcpu)
    {
        Rules.Cite("U1");
        return DeviceAttributeGate(vcpu) ?? Outcome.Error(Errno.ENXIO);
    }

    /// <summary>L3: SET_PMU. Re-selecting the same PMU is allowed even with a filter.</summary>
    private Outcome SetPmu(ModelVcpu vcpu, uint pmu)
    {
        Rules.Cite("L3");
        if (DeviceAttributeGate(vcpu) is { } refused)
        {
            return refused;
        }
        if (pmu >= Host.Pmus)
        {
            return Outcome.Error(Errno.ENXIO);
        }
        if (HasRun || (Filter is not null && pmu != SelectedPmu))
        {
            if (Filter is not null)
            {
                Rules.Cite("B4"); // "no filter" and "allow everything" differ here
            }
            return Outcome.Error(Errno.EBUSY);
        }
        SelectedPmu = pmu;
        if (Profile.SetPmuResetsCounters)
        {
            // Selecting a PMU resets the counter count to what that PMU implements.
            SetCounters(Host.Counters);
        }
        return Outcome.Ok;
    }

    /// <summary>
    /// U1: SET_NR_COUNTERS exists in 7.2 only (ENXIO before). A count above the host's is EINVAL;
    /// after the first run EBUSY, like every configuration call (L2). Deviation KD1: the kernel
    /// accepts it after the run (through a vCPU that has not done INIT), and the new count is what
    /// every vCPU's PMCR_EL0.N then shows, running ones included.
    /// </summary>
    private Outcome SetNrCounters(ModelVcpu vcpu, uint count)
    {
        Rules.Cite("U1");
        if (DeviceAttributeGate(vcpu) is { } refused)
        {
            return refused;
        }
        if (!Profile.HasSetNrCounters)
        {
            return Outcome.Error(Errno.ENXIO);
        }
        if (count > Host.Counters)
        {
            return Outcome.Error(Errno.EINVAL);
        }
        if (HasRun && !Shows(SetNrCountersAfterRun))
        {
            Rules.Cite("L2");
            return Outcome.Error(Errno.EBUSY);
        }
        SetCounters((int)count);
        return Outcome.Ok;
    }

    /// <summary>N1: changing the counter count moves every vCPU's MDCR_EL2.HPMN to it.</summary>
    private void SetCounters(int count)
    {
        Counters = count;
        foreach (var vcpu in vcpus)
        {
            vcpu.ResetHpmn();
        }
    }

    /// <summary>E3: userspace writes ID_AA64DFR0_EL1.PMUVer.</summary>
    private Outcome SetGuestPmuVer(byte requested)
    {
        Rules.Cite("E3");
        if (Profile.GuestPmuVer == GuestPmuVerPolicy.FixedAtMinOfHostAndV3P4)
        {
            // 6.1: only the current value is accepted, before or after the run.
            return requested == GuestPmuVer ? Outcome.Ok : Outcome.Error(Errno.EINVAL);
        }
        var value = requested == PmuVersion.ImpDef ? PmuVersion.None : requested;
        if (HasRun)
        {
            Rules.Cite("L2");
            return value == GuestPmuVer ? Outcome.Ok : Outcome.Error(Errno.EBUSY);
        }
        var limit = HasPmu ? EventSpace.HostLimit(Host) : PmuVersion.None;
        if (value > limit)
        {
            return Outcome.Error(Errno.EINVAL);
        }
        GuestPmuVer = value;
        return Outcome.Ok;
    }

    /// <summary>
    /// L1: <c>init</c> sets the interrupt (PPI 23) unless this vCPU has one, then INIT; a second INIT
    /// is EBUSY (through F2). <c>init noirq</c> does INIT alone. I2 (proposed; observed on all three
    /// kernels: corpora/kernel-facts/*/irq-*.pmu): with the in-kernel vGIC, INIT without an
    /// interrupt is ENXIO, and an SPI the vGIC does not implement is EINVAL; the PMU stays
    /// un-initialised either way (F2 does not apply, KVM_RUN is still EINVAL).
    /// </summary>
    private Outcome Init(ModelVcpu vcpu, bool noIrq)
    {
        Rules.Cite("L1");
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
        if (irq >= VgicInterrupts)
        {
            return Outcome.Error(Errno.EINVAL);
        }
        vcpu.PmuInitialised = true;
        return Outcome.Ok;
    }

    /// <summary>E3 (7.2): a guest PMUVer of 0 when the VM starts hides every PMU register.</summary>
    private void FixPmuVisibility()
    {
        Rules.Cite("E3");
        PmuHidden = Profile.PmuVerZeroHidesPmu && GuestPmuVer == PmuVersion.None;
    }

    /// <summary>
    /// L4: KVM_ARM_VCPU_INIT again with the same features always succeeds, before or after INIT
    /// and the run, with or without PMUv3. The vCPU's PMU registers get their R6 reset values; its
    /// PMU INIT and interrupt, the VM's filter and the frozen state stay (observed on all three
    /// kernels: corpora/kernel-facts/*/reset-*.pmu).
    /// </summary>
    private Outcome Reset(ModelVcpu vcpu)
    {
        Rules.Cite("L4");
        vcpu.ResetVcpu();
        return Outcome.Ok;
    }

    /// <summary>
    /// V4 (proposed; observed on 6.12 and 7.2: corpora/kernel-facts/*/set-reg-pmcr-n.pmu): a
    /// SET_ONE_REG of PMCR_EL0 before the VM's first run whose N is at most the host's counters sets
    /// the VM's N, for every vCPU, as SET_NR_COUNTERS does (HPMN follows, N1); a larger N, or any N
    /// once the VM has run, is ignored (the call still succeeds). 6.1: N is not writable (its raw
    /// store is deviation KD5).
    /// </summary>
    public void SetCountersFromPmcr(ulong n)
    {
        Rules.Cite("V4");
        if (!Profile.PmcrNWritableByUserspace || HasRun || n > (ulong)Host.Counters)
        {
            return;
        }
        SetCounters((int)n);
    }

    /// <summary>L1, L2: KVM_RUN needs INIT on a PMU vCPU; the first run freezes the VM.</summary>
    private Outcome Run(ModelVcpu vcpu)
    {
        Rules.Cite("L1");
        if (!RunAttempted && Shows(FailedRunFixesPmuVisibility))
        {
            // Deviation KD2 (7.2): the first KVM_RUN attempt fixes the trap set before INIT is
            // checked, so even a run that fails with EINVAL decides whether the PMU is hidden.
            FixPmuVisibility();
        }
        RunAttempted = true;
        if (HasPmu && !vcpu.PmuInitialised)
        {
            // L2: a failed run freezes nothing and fixes nothing.
            return Outcome.Error(Errno.EINVAL);
        }
        if (!HasRun)
        {
            Rules.Cite("L2");
            Rules.Cite("P5"); // PMCEID is constant from here on
            if (!Shows(FailedRunFixesPmuVisibility))
            {
                FixPmuVisibility();
            }
        }
        var vmHadRun = HasRun;
        HasRun = true;
        vcpu.Run(vmHadRun);
        return Outcome.Ok;
    }
}
