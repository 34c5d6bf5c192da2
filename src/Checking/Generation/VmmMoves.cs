using PmuConformance.Checking.Choices;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Generation;

/// <summary>
/// The VMM's side of the API (issue 14, behaviour.md 9b-9c), drawn the way real VMMs use it:
/// feature discovery with <c>has-attr</c>, the interrupt set-up orders of QEMU and kvmtool, saving
/// every PMU register of the register list with <c>get-reg</c> and restoring it with <c>set-reg</c>
/// (QEMU: after the PMU's INIT; cloud-hypervisor: before it), QEMU's write-back of what it read after
/// the VM has run, guest reboots through <c>reset</c>, and migrations.
/// <para>
/// A migration's destination is a fresh VM, which one scenario cannot hold next to its source. It
/// is modelled two ways: (1) the prologue restores a snapshot taken from a <em>source VM the
/// generator runs on its own model</em> (a short guest program, then a save of every register) into
/// the scenario's fresh VM before its first run, with or without installing the filter again
/// (V3: the filter is not in the register list); (2) after the run, the registers of a running vCPU
/// are saved and restored into that vCPU after a <c>reset</c> or into another vCPU that has not run
/// yet (the VM's filter then already exists, and installing it again is refused: F5).
/// </para>
/// The old steps' distributions stay as they were: VMM moves are a separate draw of small chance.
/// </summary>
internal sealed partial class ScenarioBuilder
{
    /// <summary>Percent of scenarios that start with a VMM's set-up sequence.</summary>
    private const int VmmPrologueChance = 30;

    /// <summary>Percent of the loop's moves that are VMM moves.</summary>
    private const int VmmMoveChance = 6;

    /// <summary>The interrupt numbers VMMs and the edges of I1/I2 use.</summary>
    private static readonly uint[] IrqNumbers = [23, 23, 23, 22, 16, 31, 32, 40, 255, 256, 1019, 1020, 15, 0];

    /// <summary>
    /// The PMU registers of KVM_GET_REG_LIST in its order (by encoding: PMINTEN is an EL1 register,
    /// op1 0), the counters of the implemented range only (real lists have all 31; scenarios stay short).
    /// </summary>
    private List<Register> RegisterList()
    {
        var list = new List<Register>
        {
            Register.PmintenSet, Register.PmintenClr, Register.Pmcr, Register.PmcntenSet, Register.PmcntenClr,
            Register.PmovsClr, Register.Pmselr, Register.Pmccntr, Register.PmovsSet,
        };
        var n = Math.Min(model.Counters, 31);
        list.AddRange(Enumerable.Range(0, n).Select(Register.Pmevcntr));
        list.AddRange(Enumerable.Range(0, n).Select(Register.Pmevtyper));
        list.Add(Register.Pmccfiltr);
        return list;
    }

    /// <summary>All of the register list, or (half the time) a random part of it, in list order.</summary>
    private List<Register> SomeRegisters()
    {
        var list = RegisterList();
        return choices.Chance(50) ? list : list.Where(_ => choices.Chance(35)).ToList();
    }

    private void VmmPrologue()
    {
        switch (choices.Weighted([3, 2, 3, 3]))
        {
            case 0:
                QemuBoot();
                break;
            case 1:
                KvmtoolBoot();
                break;
            case 2:
                CloudHypervisorRestore(SnapshotOfSourceVm());
                break;
            default:
                QemuMigrationDestination(SnapshotOfSourceVm());
                break;
        }
    }

    private IEnumerable<int> AllVcpus() => Enumerable.Range(0, Vcpus);

    /// <summary>QEMU: has-attr then IRQ, has-attr then INIT per vCPU, then its reset write-back of the register list.</summary>
    private void QemuBoot()
    {
        FiltersBeforeInit();
        foreach (var v in AllVcpus())
        {
            Emit(new HasAttrStep(v, 0));
            Emit(new SetIrqStep(v, SetIrqStep.DefaultPpi));
            Emit(new HasAttrStep(v, 1));
            Emit(new InitStep(v, NoIrq: true));
        }
        WriteBack(0, SomeRegisters());
    }

    /// <summary>kvmtool: IRQ, then SET_PMU, then INIT (each after has-attr).</summary>
    private void KvmtoolBoot()
    {
        FiltersBeforeInit();
        foreach (var v in AllVcpus())
        {
            Emit(new HasAttrStep(v, 0));
            Emit(new SetIrqStep(v, SetIrqStep.DefaultPpi));
            if (choices.Chance(70))
            {
                Emit(new HasAttrStep(v, 3));
                Emit(new SetPmuStep(v, 0));
            }
            Emit(new HasAttrStep(v, 1));
            Emit(new InitStep(v, NoIrq: true));
        }
    }

    /// <summary>cloud-hypervisor: the registers first, then the PMU's IRQ and INIT; the filter again (or not).</summary>
    private void CloudHypervisorRestore(IReadOnlyList<(Register Register, ulong Value)> snapshot)
    {
        if (choices.Chance(60))
        {
            FiltersBeforeInit();
        }
        foreach (var v in AllVcpus())
        {
            Restore(v, snapshot);
            Emit(new SetIrqStep(v, SetIrqStep.DefaultPpi));
            Emit(new InitStep(v, NoIrq: true));
        }
    }

    /// <summary>QEMU (and crosvm) restoring a migrated VM: the filter again (or not), IRQ + INIT, then the registers.</summary>
    private void QemuMigrationDestination(IReadOnlyList<(Register Register, ulong Value)> snapshot)
    {
        if (choices.Chance(60))
        {
            FiltersBeforeInit();
        }
        foreach (var v in AllVcpus())
        {
            Emit(new InitStep(v));
            Restore(v, snapshot);
        }
    }

    /// <summary>A VMM that installs a filter does it before the PMU's INIT (F2): one to three ranges.</summary>
    private void FiltersBeforeInit()
    {
        var count = choices.Between(1, 3);
        for (var k = 0; k < count; k++)
        {
            var (start, n) = (choices.Pick(EdgeValues.CountableEvents), (ushort)choices.Between(1, 4));
            Emit(new FilterStep(0, choices.Chance(50) ? FilterStep.Allow : FilterStep.Deny, start, n));
        }
    }

    /// <summary>
    /// The migration's source: a VM of the same set-up that ran a short guest program on its own
    /// model; what <c>get-reg</c> returned for every register of the list is the snapshot.
    /// </summary>
    private List<(Register Register, ulong Value)> SnapshotOfSourceVm()
    {
        var source = new ModelVm(setup, new RuleTrace());
        source.Apply(new InitStep(0));
        if (source.Apply(new RunStep(0)).Kind != OutcomeKind.Ok)
        {
            return [];
        }
        var writes = choices.Between(2, 8);
        for (var k = 0; k < writes; k++)
        {
            var i = choices.Below(Math.Max(1, Math.Min(model.Counters, 31)));
            Step write = choices.Weighted([3, 3, 2, 2, 2, 1]) switch
            {
                0 => new WriteStep(0, Register.Pmevtyper(i), EventTypeValue()),
                1 => new WriteStep(0, Register.Pmevcntr(i), EdgeValues.CounterValue(choices)),
                2 => new WriteStep(0, Register.PmcntenSet, ProgrammedMask()),
                3 => new WriteStep(0, Register.PmintenSet, ProgrammedMask()),
                4 => new WriteStep(0, Register.PmovsSet, ProgrammedMask()),
                _ => new WriteStep(0, Register.Pmcr, choices.Chance(80) ? 1UL : 0x41UL),
            };
            source.Apply(write);
        }
        var snapshot = new List<(Register, ulong)>();
        foreach (var register in SomeRegisters())
        {
            if (source.Apply(new GetRegStep(0, register)) is { Kind: OutcomeKind.Value } saved)
            {
                snapshot.Add((register, saved.Value));
            }
        }
        return snapshot;
    }

    /// <summary>get-reg of each register; returns the values the model read (errnos are left out).</summary>
    private List<(Register Register, ulong Value)> Save(int v, IEnumerable<Register> registers)
    {
        var saved = new List<(Register, ulong)>();
        foreach (var register in registers)
        {
            if (Emit(new GetRegStep(v, register)) && outcomes[^1] is { Kind: OutcomeKind.Value } value)
            {
                saved.Add((register, value.Value));
            }
        }
        return saved;
    }

    private void Restore(int v, IEnumerable<(Register Register, ulong Value)> saved)
    {
        foreach (var (register, value) in saved)
        {
            Emit(new SetRegStep(v, register, value));
        }
    }

    /// <summary>QEMU's state sync: every register read, then written back as read.</summary>
    private void WriteBack(int v, IEnumerable<Register> registers) => Restore(v, Save(v, registers));

    /// <summary>A VMM step in the middle of a scenario.</summary>
    private void VmmMove()
    {
        var v = AnyVcpu();
        var ran = AllVcpus().Where(preconditions.HasRun).ToList();
        switch (choices.Weighted([4, 3, 3, 2, 3, 3, 4, 4]))
        {
            case 0 when ran.Count > 0:
                WriteBack(choices.Pick(ran), SomeRegisters());
                break;
            case 1 when ran.Count > 0:
                Reboot(choices.Pick(ran));
                break;
            case 2 when ran.Count > 0:
                MigrateInPlace(choices.Pick(ran));
                break;
            case 3 when ran.Count > 0 && ran.Count < Vcpus:
                MigrateToFreshVcpu(choices.Pick(ran), AllVcpus().First(i => !preconditions.HasRun(i)));
                break;
            case 4:
                Emit(new HasAttrStep(v, choices.Chance(85) ? (ulong)choices.Below(6) : choices.Bits()));
                break;
            case 5:
                Emit(new SetIrqStep(v, choices.Chance(85) ? choices.Pick(IrqNumbers) : (uint)choices.Bits()));
                if (choices.Chance(50))
                {
                    Emit(new InitStep(v, NoIrq: true));
                }
                break;
            case 6:
                Emit(new GetRegStep(v, UserspaceRegister()));
                break;
            default:
                SetRegister(v);
                break;
        }
    }

    /// <summary>QEMU's reboot: a vCPU reset, the write-back of its (reset) registers, and the run again.</summary>
    private void Reboot(int v)
    {
        Emit(new ResetStep(v));
        if (choices.Chance(50))
        {
            WriteBack(v, SomeRegisters());
        }
        Emit(new RunStep(v));
    }

    /// <summary>Save a running vCPU, reset it, (try to) install the filter again, restore, run.</summary>
    private void MigrateInPlace(int v)
    {
        var saved = Save(v, SomeRegisters());
        Emit(new ResetStep(v));
        if (choices.Chance(50))
        {
            Emit(Filter(v)); // F5 (the VM has run): EBUSY; the VM's filter is still there (U3)
        }
        Restore(v, saved);
        Emit(new RunStep(v));
    }

    /// <summary>Save a running vCPU and restore it into one that has not run, in either VMM order.</summary>
    private void MigrateToFreshVcpu(int from, int to)
    {
        var saved = Save(from, SomeRegisters());
        var qemuOrder = choices.Chance(50);
        if (qemuOrder && !model.Vcpu(to).PmuInitialised)
        {
            Emit(new InitStep(to));
        }
        Restore(to, saved);
        if (!model.Vcpu(to).PmuInitialised)
        {
            Emit(new InitStep(to));
        }
        Emit(new RunStep(to));
    }

    /// <summary>Any register userspace may name: mostly the list's, sometimes one that is not in it.</summary>
    private Register UserspaceRegister()
    {
        if (choices.Chance(85))
        {
            return choices.Pick(RegisterList());
        }
        return choices.Pick(new[]
        {
            Register.Pmceid0, Register.Pmceid1, Register.Pmxevtyper, Register.Pmxevcntr, Register.MdcrEl2,
            Register.IdAa64dfr0, Register.Pmevcntr(30), Register.Pmevtyper(30),
        });
    }

    /// <summary>The event type bits a guest write keeps (R2) on every profile: P, U, NSH with the EL2 field, the guest's event bits.</summary>
    private ulong StoredTypeBits() => 0xC0000000UL | (setup.Vm.El2 ? 0x08000000UL : 0) | GuestMask;

    /// <summary>
    /// A PMCR value a restore could carry: the current one with other E/D/X/DP/LC bits (never P or C,
    /// LP only where the guest has it) and, on 6.12 and 7.2, sometimes another N (V4).
    /// </summary>
    private ulong VmmLikePmcr(ulong current)
    {
        var low = (ulong)choices.Below(0x100) & ~0x6UL;
        if (setup.ProfileRules.EventCounters64Bit && model.GuestPmuVer < PmuVersion.V3P5)
        {
            low &= ~0x80UL;
        }
        var n = setup.ProfileRules.PmcrNWritableByUserspace && choices.Chance(30)
            ? (ulong)choices.Below(model.Counters + 2)
            : (current >> 11) & 0x1F;
        return (current & ~0xF8FFUL) | low | (n << 11);
    }

    /// <summary>
    /// set-reg as VMMs do it (a value the register can hold: what get-reg returns, with changes a
    /// guest could have made) and, rarely, any value (the edges of V2 and V4).
    /// </summary>
    private void SetRegister(int v)
    {
        var register = UserspaceRegister();
        if (register.Kind == RegisterKind.IdAa64dfr0)
        {
            return; // set-pmuver is the step for it
        }
        var current = model.Apply(new GetRegStep(v, register)) is { Kind: OutcomeKind.Value } read ? read.Value : 0;
        var implemented = (model.Counters >= 31 ? 0x7FFFFFFFUL : (1UL << model.Counters) - 1) | (1UL << Cycle);
        var value = choices.Weighted([5, 4, 1]) switch
        {
            0 => current,
            1 => register.Kind switch
            {
                RegisterKind.Pmevtyper or RegisterKind.Pmccfiltr => EventTypeValue() & StoredTypeBits(),
                RegisterKind.Pmevcntr or RegisterKind.Pmccntr => EdgeValues.CounterValue(choices),
                RegisterKind.Pmcr => VmmLikePmcr(current),
                RegisterKind.Pmselr => (ulong)choices.Below(32),
                RegisterKind.MdcrEl2 => (ulong)(uint)choices.Below(model.Counters + 1)
                    | (choices.Chance(60) ? 1UL << 7 : 0) | (choices.Chance(30) ? 1UL << 17 : 0) | (choices.Chance(30) ? 1UL << 26 : 0),
                _ => ProgrammedMask() & implemented,
            },
            _ => choices.Bits(),
        };
        Emit(new SetRegStep(v, register, value));
    }
}
