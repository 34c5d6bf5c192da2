using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Emulator;

/// <summary>
/// Builds random but valid profile-7.2 scenarios from a seeded <see cref="Random"/>, for the
/// model-versus-emulator differential test and for the replay benchmark (which links this file).
/// Every scenario passes <see cref="StepPreconditions"/>, so targets never stop on a scenario
/// error. Values lean towards edges: filter ranges at the end of the space, counters just below
/// 2^32 and 2^64, events the counters select (and their 0x4000 aliases), the EL bits.
/// A stand-in until src/Checking's generators can be used here.
/// </summary>
public sealed class SeededScenarioBuilder(Random random)
{
    private static readonly ushort[] InterestingEvents =
    [
        Events.SwIncr, Events.InstRetired, Events.CpuCycles, Events.Chain, Events.BrRetired,
        Events.StallFrontend, Events.StallBackend, Events.StallSlot, 0x3FF, 0x400, 0x4000, 0x4011,
        0x401E, 0x4008, 0xFFFF,
    ];

    private static readonly byte[] PmuVersions =
    [
        PmuVersion.None, PmuVersion.Imp, 2, PmuVersion.V3P1, PmuVersion.V3P4, PmuVersion.V3P5,
        PmuVersion.V3P7, PmuVersion.V3P8, PmuVersion.ImpDef,
    ];

    private static readonly RegisterKind[] WritableKinds =
    [
        RegisterKind.Pmcr, RegisterKind.PmcntenSet, RegisterKind.PmcntenClr, RegisterKind.PmintenSet,
        RegisterKind.PmintenClr, RegisterKind.PmovsSet, RegisterKind.PmovsClr, RegisterKind.Pmselr,
        RegisterKind.Pmxevtyper, RegisterKind.Pmxevcntr, RegisterKind.Pmevtyper, RegisterKind.Pmevcntr,
        RegisterKind.Pmevtyper, RegisterKind.Pmevcntr, RegisterKind.Pmccfiltr, RegisterKind.Pmccntr,
    ];

    private static readonly RegisterKind[] ReadableKinds =
    [
        .. WritableKinds, RegisterKind.Pmceid0, RegisterKind.Pmceid1, RegisterKind.IdAa64dfr0,
        RegisterKind.Irq, RegisterKind.Irq,
    ];

    private Setup setup = Setup.Default;
    private StepPreconditions preconditions = new(Setup.Default);
    private List<Step> steps = [];
    private bool[] initialised = [];
    private bool[] hasRun = [];
    private bool[] loaded = [];
    private bool[] inHyp = [];
    private readonly List<ushort> programmedEvents = [];

    /// <summary>
    /// A scenario with a random set-up, a few userspace steps, a first run, then
    /// <paramref name="guestSteps"/> mostly-guest steps; with <paramref name="finalSweep"/>, reads of
    /// every counter and status register at the end so that differences show.
    /// </summary>
    public Scenario Build(int guestSteps, bool finalSweep = true)
    {
        setup = RandomSetup();
        preconditions = new StepPreconditions(setup);
        steps = [];
        var vcpus = setup.Vm.Vcpus;
        initialised = new bool[vcpus];
        hasRun = new bool[vcpus];
        loaded = new bool[vcpus];
        inHyp = new bool[vcpus];
        programmedEvents.Clear();

        var configuration = random.Next(0, 7);
        for (var i = 0; i < configuration; i++)
        {
            Add(UserspaceStep(RandomVcpu()));
        }
        Add(new InitStep(0));
        Add(new RunStep(0));
        for (var i = 0; i < guestSteps; i++)
        {
            if (random.Next(100) < 6)
            {
                Add(UserspaceStep(RandomVcpu()));
            }
            else
            {
                GuestAction();
            }
        }
        if (finalSweep)
        {
            Sweep();
        }
        return Scenario.Of(setup, [.. steps]) with { Source = "<generated>" };
    }

    private bool HasPmu => setup.Vm.Pmu && setup.Host.PmuVer is not (PmuVersion.None or PmuVersion.ImpDef);

    private int Counters => setup.Host.Counters;

    private int RandomVcpu() => random.Next(setup.Vm.Vcpus);

    /// <summary>Appends a step that must be valid, tracking what it does to the lifecycle.</summary>
    private void Add(Step step)
    {
        if (preconditions.WhyImpossible(step) is { } why)
        {
            throw new InvalidOperationException($"generated an invalid step '{ScenarioPrinter.StepText(step)}': {why}");
        }
        var outcome = Outcome.Nothing;
        var v = step.Vcpu;
        switch (step)
        {
            case InitStep when HasPmu && !initialised[v]:
                initialised[v] = true;
                break;
            case RunStep:
                outcome = HasPmu && !initialised[v] ? Outcome.Error(Errno.EINVAL) : Outcome.Ok;
                if (outcome == Outcome.Ok)
                {
                    if (!hasRun[v])
                    {
                        inHyp[v] = setup.Vm.Nested;
                    }
                    hasRun[v] = true;
                    loaded[v] = true;
                }
                break;
            case EnterHypStep:
                inHyp[v] = true;
                break;
            case ExitHypStep:
                inHyp[v] = false;
                break;
            case PutStep:
                loaded[v] = false;
                break;
            case LoadStep:
                loaded[v] = true;
                break;
            case WriteStep { Register.Kind: RegisterKind.Pmevtyper or RegisterKind.Pmxevtyper } w:
                programmedEvents.Add((ushort)w.Value);
                break;
        }
        preconditions.Observe(step, outcome);
        steps.Add(step);
    }

    // ---------------------------------------------------------------- set-up

    private Setup RandomSetup()
    {
        var host = random.Next(10) switch
        {
            < 4 => HostSpec.QemuMax,
            < 5 => HostSpec.QemuA57,
            _ => new HostSpec(
                Pick(PmuVersions),
                random.Next(4) == 0 ? random.Next(0, 32) : Pick(new[] { 0, 1, 2, 3, 6, 8, 31 }),
                random.Next(3) == 0 ? RandomWord() : 0x20101,
                random.Next(3) == 0 ? RandomWord() : 0xE0000018,
                AArch32: random.Next(4) != 0,
                Pmus: random.Next(1, 4)),
        };
        var nested = random.Next(3) == 0;
        var vm = new VmSpec(
            Vcpus: random.Next(3) == 0 ? random.Next(1, VmSpec.MaxVcpus + 1) : 1,
            Nested: nested,
            El2: nested || random.Next(5) != 0,
            El3: random.Next(3) == 0,
            Pmu: random.Next(25) != 0);
        return new Setup(KernelProfile.V7_2, host, vm);
    }

    // ---------------------------------------------------------------- userspace

    private Step UserspaceStep(int vcpu)
    {
        switch (random.Next(20))
        {
            case < 8:
                return RandomFilter(vcpu);
            case 8:
                return new FilterFaultStep(vcpu);
            case 9:
                return new SetPmuStep(vcpu, (uint)random.Next(0, setup.Host.Pmus + 1));
            case 10 or 11:
                return new SetNrCountersStep(vcpu, (uint)random.Next(0, Counters + 2));
            case 12 or 13:
                return new SetPmuVerStep(vcpu, Pick(PmuVersions));
            case 14:
                return new AttrStep(vcpu, (ulong)random.Next(5, 9));
            case 15 or 16:
                return new InitStep(vcpu);
            default:
                // A run of a vCPU that has run but is put is also a load.
                return new RunStep(vcpu);
        }
    }

    private FilterStep RandomFilter(int vcpu)
    {
        // F9: the host limit caps at V3P5; versions 2 and 3 have an event mask of 0 (E1).
        var space = setup.Host.PmuVer switch
        {
            PmuVersion.Imp => 1024,
            >= PmuVersion.V3P1 and not PmuVersion.ImpDef => 65536,
            _ => 1,
        };
        var action = random.Next(20) == 0 ? (byte)Pick(new[] { 2, 3, 255 }) : (byte)random.Next(2);
        (int Base, int Count) range = random.Next(12) switch
        {
            0 => (space - 1, 1),
            1 => (space, 0),
            2 => (space - 1, 2),
            3 => (0, space),
            4 => (0, 0),
            5 => (Events.CpuCycles, 1),
            6 => (0, 0x40),
            7 => (Events.Chain, random.Next(1, 3)),
            8 => (0x4000, 0x40),
            9 => (Pick(InterestingEvents), random.Next(0, 4)),
            _ => RandomRange(space),
        };
        var b = (ushort)Math.Clamp(range.Base, 0, 0xFFFF);
        var n = (ushort)Math.Clamp(range.Count, 0, 0xFFFF);
        var pad = random.Next(10) == 0 ? (uint)random.Next(0, 0x1000000) : 0;
        return new FilterStep(vcpu, action, b, n, pad);
    }

    private (int, int) RandomRange(int space)
    {
        var b = random.Next(0, space);
        return (b, random.Next(0, Math.Min(space - b, 300) + 1));
    }

    // ---------------------------------------------------------------- guest

    /// <summary>One guest action on a vCPU that has run: usually one step, sometimes a short sequence.</summary>
    private void GuestAction()
    {
        var running = Enumerable.Range(0, hasRun.Length).Where(v => hasRun[v]).ToList();
        var v = Pick(running);
        if (!loaded[v])
        {
            Add(new LoadStep(v));
            return;
        }
        var nested = setup.Vm.Nested;
        switch (random.Next(100))
        {
            case < 20:
                Add(Write(v));
                break;
            case < 36:
                Add(Read(v));
                break;
            case < 58:
                Add(HardwareEvents(v));
                break;
            case < 64:
                ProgramCounter(v);
                break;
            case < 68:
                ProgramChainPair(v);
                break;
            case < 75:
                Add(new SwincStep(v, RandomCounterMask()));
                break;
            case < 81 when nested:
                Add(inHyp[v] ? new ExitHypStep(v) : new EnterHypStep(v));
                break;
            case < 87 when nested:
                if (!inHyp[v])
                {
                    Add(new EnterHypStep(v));
                }
                Add(new WriteStep(v, new Register(RegisterKind.MdcrEl2), RandomMdcr()));
                break;
            case < 89 when nested && inHyp[v]:
                Add(new ReadStep(v, new Register(RegisterKind.MdcrEl2)));
                break;
            case < 90:
                Add(new PutStep(v));
                break;
            default:
                Add(HardwareEvents(v));
                break;
        }
    }

    /// <summary>A counter set up to count: its event type, its enable bit, PMCR.E; sometimes near overflow.</summary>
    private void ProgramCounter(int v)
    {
        var i = (int)RandomIndex();
        var type = random.Next(3) == 0 ? RandomEventType() : Pick(InterestingEvents) | RandomElBits(2);
        var typeRegister = i == 31 ? Register.Pmccfiltr : new Register(RegisterKind.Pmevtyper, Math.Min(i, 30));
        Add(new WriteStep(v, typeRegister, type));
        if (random.Next(2) == 0)
        {
            var countRegister = i == 31 ? Register.Pmccntr : new Register(RegisterKind.Pmevcntr, Math.Min(i, 30));
            Add(new WriteStep(v, countRegister, RandomCounterValue()));
        }
        Add(new WriteStep(v, Register.PmcntenSet, 1UL << i));
        Add(new WriteStep(v, Register.Pmcr, 1UL | (random.Next(3) == 0 ? 0x80UL : 0) | (random.Next(3) == 0 ? 0x40UL : 0)));
    }

    /// <summary>C7: an even counter near overflow and its CHAIN neighbour, both enabled.</summary>
    private void ProgramChainPair(int v)
    {
        var even = Counters >= 2 ? 2 * random.Next(0, Counters / 2) : 0;
        var odd = even + 1;
        var source = random.Next(3) == 0 ? Events.SwIncr : Pick(InterestingEvents);
        Add(new WriteStep(v, new Register(RegisterKind.Pmevtyper, even), source | RandomElBits(3)));
        Add(new WriteStep(v, new Register(RegisterKind.Pmevcntr, even), 0xFFFFFFFF - (ulong)random.Next(0, 3)));
        Add(new WriteStep(v, new Register(RegisterKind.Pmevtyper, Math.Min(odd, 30)), Events.Chain | RandomElBits(2)));
        Add(new WriteStep(v, new Register(RegisterKind.Pmevcntr, Math.Min(odd, 30)), random.Next(2) == 0 ? 0 : 0xFFFFFFFF));
        Add(new WriteStep(v, Register.PmcntenSet, (3UL << even) | (random.Next(2) == 0 ? 1UL << 31 : 0)));
        Add(new WriteStep(v, Register.Pmcr, 1UL | (random.Next(4) == 0 ? 0x80UL : 0)));
    }

    /// <summary>P, U, NSK, NSU, NSH, M, each set with probability 1/<paramref name="oneIn"/>.</summary>
    private ulong RandomElBits(int oneIn)
    {
        ulong bits = 0;
        foreach (var bit in new[] { 31, 30, 29, 28, 27, 26 })
        {
            if (random.Next(oneIn) == 0)
            {
                bits |= 1UL << bit;
            }
        }
        return bits;
    }

    private WriteStep Write(int v)
    {
        var register = RandomRegister(WritableKinds);
        var value = register.Kind switch
        {
            RegisterKind.Pmcr => (random.Next(3) == 0 ? RandomWord() : 0UL) | (ulong)(byte)random.Next(0, 256) | (random.Next(5) == 0 ? 0UL : 1UL),
            RegisterKind.Pmselr => RandomIndex(),
            RegisterKind.Pmevtyper or RegisterKind.Pmxevtyper or RegisterKind.Pmccfiltr => RandomEventType(),
            RegisterKind.Pmevcntr or RegisterKind.Pmxevcntr or RegisterKind.Pmccntr => RandomCounterValue(),
            _ => RandomCounterMask(),
        };
        return new WriteStep(v, register, value);
    }

    private ReadStep Read(int v) => new(v, RandomRegister(ReadableKinds));

    private EventsStep HardwareEvents(int v)
    {
        ushort e = random.Next(10) switch
        {
            < 5 when programmedEvents.Count > 0 => programmedEvents[random.Next(programmedEvents.Count)],
            < 7 => Events.CpuCycles,
            < 9 => Pick(InterestingEvents),
            _ => (ushort)random.Next(0, 0x10000),
        };
        ulong count = random.Next(6) switch
        {
            0 => 1,
            1 => EventsStep.MaxCount,
            2 => (ulong)random.NextInt64(0x7FFF0000, 0x100000000),
            3 => 0,
            _ => (ulong)random.Next(1, 5000),
        };
        var el = random.Next(3) == 0 ? GuestEl.El0 : inHyp[v] ? GuestEl.El2 : GuestEl.El1;
        return new EventsStep(v, e, count, el);
    }

    /// <summary>Reads everything the counters' state shows, on every vCPU that ran.</summary>
    private void Sweep()
    {
        for (var v = 0; v < hasRun.Length; v++)
        {
            if (!hasRun[v])
            {
                continue;
            }
            if (!loaded[v])
            {
                Add(new LoadStep(v));
            }
            foreach (var kind in new[] { RegisterKind.Pmcr, RegisterKind.PmovsSet, RegisterKind.Irq, RegisterKind.Pmccntr })
            {
                Add(new ReadStep(v, new Register(kind)));
            }
            for (var i = 0; i < Math.Min(Counters, 31); i++)
            {
                Add(new ReadStep(v, new Register(RegisterKind.Pmevcntr, i)));
            }
        }
    }

    // ---------------------------------------------------------------- values

    private Register RandomRegister(RegisterKind[] kinds)
    {
        var kind = Pick(kinds);
        return kind is RegisterKind.Pmevtyper or RegisterKind.Pmevcntr
            ? new Register(kind, (int)Math.Min(RandomIndex(), 30))
            : new Register(kind);
    }

    /// <summary>Mostly an implemented counter, sometimes one past N, the cycle counter or anything.</summary>
    private ulong RandomIndex() => random.Next(10) switch
    {
        < 6 when Counters > 0 => (ulong)random.Next(0, Counters),
        6 => (ulong)Counters,
        7 => 31,
        _ => (ulong)random.Next(0, 32),
    };

    private ulong RandomEventType()
    {
        ulong e = random.Next(4) == 0 ? (ulong)random.Next(0, 0x10000) : Pick(InterestingEvents);
        var el = RandomElBits(4);
        var junk = random.Next(8) == 0 ? RandomWord() : 0;
        return e | el | junk;
    }

    private ulong RandomCounterValue() => random.Next(7) switch
    {
        0 => 0,
        1 => 0xFFFFFFFF - (ulong)random.Next(0, 4),
        2 => ulong.MaxValue - (ulong)random.Next(0, 4),
        3 => 0xFFFFFFFF - (ulong)random.Next(0, 100000),
        4 => ulong.MaxValue - (ulong)random.Next(0, 100000),
        5 => RandomWord(),
        _ => (ulong)random.Next(0, 1000),
    };

    private ulong RandomCounterMask() => random.Next(5) switch
    {
        0 => ulong.MaxValue,
        1 => 0x8000003F,
        2 => RandomWord(),
        _ => (1UL << random.Next(0, 32)) | (random.Next(2) == 0 ? 1UL << random.Next(0, 32) : 0),
    };

    private ulong RandomMdcr()
    {
        var value = (ulong)random.Next(0, Counters + 2);
        if (random.Next(3) != 0)
        {
            value |= 1UL << 7; // HPME
        }
        if (random.Next(3) == 0)
        {
            value |= 1UL << 17; // HPMD
        }
        if (random.Next(3) == 0)
        {
            value |= 1UL << 26; // HLP
        }
        return value;
    }

    private ulong RandomWord() => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
