using PmuConformance.Checking.Choices;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Generation;

/// <summary>
/// Generates valid scenarios step by step. Every candidate step is first checked against the shared
/// <see cref="StepPreconditions"/> and then executed on a live reference-model VM, so the generator
/// always knows what really happened (did that <c>run</c> succeed? is vCPU 1 loaded?) and never emits
/// a step that makes no sense. The distributions lean on the edges of the specification
/// (<see cref="EdgeValues"/>). All decisions come from an <see cref="IChoiceSource"/>, so FsCheck
/// (random choices) and a fuzzer (choices decoded from bytes) share this one generator.
/// </summary>
public static class ScenarioGenerator
{
    /// <summary>
    /// A scenario of roughly <paramref name="size"/>/100 of the options' maximum length, prepared
    /// for the target under test (<see cref="GeneratorOptions.Prepare"/>).
    /// </summary>
    public static Scenario Generate(IChoiceSource choices, GeneratorOptions options, int size)
    {
        var scenario = Build(choices, options, size).Scenario;
        return options.Prepare is { } prepare ? prepare(scenario) : scenario;
    }

    /// <summary>
    /// The scenario and the reference model's transcript of it, which the generator computes anyway
    /// while it chooses valid steps (equal to <c>new ModelTarget().Execute(scenario)</c>): a
    /// differential check need not run the model a second time. A scenario that
    /// <see cref="GeneratorOptions.Prepare"/> changed is run on the model again.
    /// </summary>
    public static (Scenario Scenario, Execution Model) GenerateWithModelTranscript(IChoiceSource choices, GeneratorOptions options, int size)
    {
        var (scenario, model) = Build(choices, options, size);
        if (options.Prepare is { } prepare)
        {
            scenario = prepare(scenario);
            model = new ModelTarget().Execute(scenario);
        }
        return (scenario, model);
    }

    private static (Scenario Scenario, Execution Model) Build(IChoiceSource choices, GeneratorOptions options, int size)
    {
        var setup = SetupGenerator.Generate(choices, options);
        var longest = Math.Max(4, 10 + (Math.Clamp(size, 0, 100) * (options.MaxSteps - 10) / 100));
        var target = choices.Between(Math.Max(1, longest / 3), longest);
        var builder = new ScenarioBuilder(setup, choices);
        builder.Build(target, vmmSteps: options.VmmStepsInNested || !setup.Vm.Nested);
        var scenario = Scenario.Of(setup, builder.Steps.ToArray()) with { Source = "<generated>" };
        return (scenario, new Execution(builder.Outcomes.ToList()));
    }
}

/// <summary>One scenario under construction: the steps so far and what they did on the model.</summary>
internal sealed partial class ScenarioBuilder
{
    private const int Cycle = Register.CycleCounter;

    private readonly Setup setup;
    private readonly IChoiceSource choices;
    private readonly ModelVm model;
    private readonly GuardedVm guardedModel;
    private readonly StepPreconditions preconditions;
    private readonly List<Step> steps = [];
    private readonly List<Outcome> outcomes = [];

    private readonly ushort[] programmed = new ushort[32]; // the event last written to each counter's type register
    private readonly List<FilterStep> acceptedFilters = [];
    private ulong selected = 0x1E;

    public ScenarioBuilder(Setup setup, IChoiceSource choices)
    {
        this.setup = setup;
        this.choices = choices;
        model = new ModelVm(setup, new RuleTrace());
        guardedModel = new GuardedVm(model, setup);
        preconditions = guardedModel.Preconditions;
        Array.Fill(programmed, (ushort)0xc0de);
        programmed[Cycle] = Events.CpuCycles;
    }

    public IReadOnlyList<Step> Steps => steps;

    /// <summary>What the model produced for each step.</summary>
    public IReadOnlyList<Outcome> Outcomes => outcomes;

    private int Vcpus => setup.Vm.Vcpus;

    private bool AnyRun => Enumerable.Range(0, Vcpus).Any(preconditions.HasRun);

    private ushort GuestMask => model.GuestEventMask;

    private uint FilterSpace => EventSpace.FilterSpace(setup.ProfileRules, setup.Host);

    public void Build(int target, bool vmmSteps = true)
    {
        // The first run comes after a random share of the configuration steps.
        var runAfter = choices.Between(0, Math.Max(1, target / 2));
        if (vmmSteps && choices.Chance(VmmPrologueChance))
        {
            VmmPrologue();
        }
        for (var attempts = 0; steps.Count < target && attempts < target * 3; attempts++)
        {
            if (vmmSteps && choices.Chance(VmmMoveChance))
            {
                VmmMove();
            }
            else if (!AnyRun)
            {
                if (steps.Count >= runAfter)
                {
                    StartRunning();
                }
                else
                {
                    ConfigurationMove();
                }
            }
            else if (choices.Chance(85))
            {
                GuestMove();
            }
            else
            {
                ConfigurationMove();
            }
        }
        if (AnyRun && choices.Chance(60))
        {
            FinalReads();
        }
    }

    /// <summary>Checks a step against the preconditions, runs it on the model and records it. False if it makes no sense now.</summary>
    private bool Emit(Step step)
    {
        if (guardedModel.WhyImpossible(step) is not null)
        {
            return false;
        }
        var outcome = guardedModel.Apply(step);
        steps.Add(step);
        outcomes.Add(outcome);
        Track(step, outcome);
        History.Observe(step, outcome);
        return true;
    }

    /// <summary>What the generator remembers beyond the model and the preconditions: accepted filters, PMSELR.</summary>
    private void Track(Step step, Outcome outcome)
    {
        var ok = outcome.Kind == OutcomeKind.Ok;
        switch (step)
        {
            case FilterStep f when ok:
                acceptedFilters.Add(f);
                break;
            case WriteStep { Register.Kind: RegisterKind.Pmselr } w:
                selected = w.Value & 0x1F;
                break;
            case WriteStep { Register.Kind: RegisterKind.Pmevtyper } w:
                programmed[w.Register.Index] = (ushort)w.Value;
                break;
            case WriteStep { Register.Kind: RegisterKind.Pmxevtyper } w:
                programmed[selected] = (ushort)w.Value;
                break;
        }
    }

    private int AnyVcpu() => choices.Chance(60) ? 0 : choices.Below(Vcpus);

    // ------------------------------------------------------------------ userspace (uAPI) moves

    private void ConfigurationMove()
    {
        var v = AnyVcpu();
        switch (choices.Weighted([30, 3, 5, 4, 4, 2, 10, 6]))
        {
            case 0:
                Emit(Filter(v));
                break;
            case 1:
                Emit(new FilterFaultStep(v));
                break;
            case 2:
                Emit(new SetPmuVerStep(v, PmuVersionChoice()));
                break;
            case 3:
                Emit(new SetNrCountersStep(v, (uint)choices.Between(0, setup.Host.Counters + 1)));
                break;
            case 4:
                Emit(new SetPmuStep(v, (uint)choices.Between(0, setup.Host.Pmus)));
                break;
            case 5:
                Emit(new AttrStep(v, choices.Chance(70) ? AttrStep.FirstUnknown + (ulong)choices.Below(3) : choices.Bits() | AttrStep.FirstUnknown));
                break;
            case 6:
                Emit(new InitStep(choices.Chance(70) ? UninitialisedVcpu() : v));
                break;
            default:
                Emit(new RunStep(v));
                break;
        }
    }

    private int UninitialisedVcpu()
    {
        var candidates = Enumerable.Range(0, Vcpus).Where(i => !model.Vcpu(i).PmuInitialised).ToList();
        return candidates.Count > 0 ? choices.Pick(candidates) : choices.Below(Vcpus);
    }

    /// <summary>Lowers the guest PMUVer mostly; sometimes asks for more, IMP_DEF, or the current value.</summary>
    private byte PmuVersionChoice() => choices.Pick(new byte[]
    {
        model.GuestPmuVer, PmuVersion.Imp, PmuVersion.V3P1, PmuVersion.V3P4, PmuVersion.V3P5, PmuVersion.None,
        PmuVersion.ImpDef, PmuVersion.V3P7, PmuVersion.V3P8, 2,
    });

    /// <summary>INIT (mostly) and KVM_RUN on one vCPU.</summary>
    private void StartRunning()
    {
        var v = AnyVcpu();
        if (!model.Vcpu(v).PmuInitialised && choices.Chance(90))
        {
            Emit(new InitStep(v));
        }
        Emit(new RunStep(v));
    }

    private FilterStep Filter(int vcpu)
    {
        byte action = choices.Weighted([45, 45, 10]) switch
        {
            0 => FilterStep.Allow,
            1 => FilterStep.Deny,
            _ => choices.Pick(new byte[] { 2, 3, 0x80, 0xFF }),
        };
        var (start, count) = Range();
        var pad = choices.Chance(10) ? (uint)choices.Below(FilterStep.MaxPad + 1UL) : 0;
        return new FilterStep(vcpu, action, start, count, pad);
    }

    /// <summary>
    /// A filter range: at an edge, exactly filling the space, one past it, empty, on a bitmap word
    /// boundary, overlapping or cancelling an earlier range, or anything.
    /// </summary>
    private (ushort Base, ushort Count) Range()
    {
        var space = FilterSpace;
        switch (choices.Weighted([25, 12, 5, 18, 10, 10, 8, 12]))
        {
            case 0:
                return (EdgeValues.Event(choices), (ushort)choices.Pick(new[] { 1, 1, 2, 3, 16, 32, 64 }));
            case 1:
                {
                    var start = choices.Chance(50) ? (ushort)0 : (ushort)Math.Min(EdgeValues.Event(choices), space - 1);
                    return (start, (ushort)Math.Min(space - start, ushort.MaxValue));
                }
            case 2:
                {
                    var start = (ushort)Math.Min(EdgeValues.Event(choices), space);
                    return (start, (ushort)Math.Min(space - start + 1, ushort.MaxValue));
                }
            case 3 when acceptedFilters.Count > 0:
                {
                    var earlier = choices.Pick(acceptedFilters);
                    var shift = choices.Weighted([4, 3, 3]) switch
                    {
                        0 => 0, // the same range: cancelling when the action differs (B3)
                        1 => choices.Between(-(int)Math.Min(earlier.Base, (ushort)8), 8),
                        _ => choices.Between(0, Math.Max(0, earlier.Count - 1)),
                    };
                    var start = (ushort)Math.Clamp(earlier.Base + shift, 0, ushort.MaxValue);
                    var count = choices.Chance(50) ? earlier.Count : (ushort)choices.Between(0, Math.Max(1, (int)earlier.Count));
                    return (start, count);
                }
            case 4:
                return (choices.Pick(EdgeValues.WordBoundaries), (ushort)choices.Pick(new[] { 1, 2, 64, 65, 128 }));
            case 5:
                return (EdgeValues.Event(choices), 0);
            case 6:
                {
                    var start = (ushort)choices.Below(space);
                    return (start, (ushort)choices.Below(Math.Min(space - start, ushort.MaxValue) + 1));
                }
            default:
                return (choices.Pick(EdgeValues.CountableEvents), (ushort)choices.Between(1, 4));
        }
    }

    // ------------------------------------------------------------------ guest moves

    private void GuestMove()
    {
        var ran = Enumerable.Range(0, Vcpus).Where(i => preconditions.HasRun(i)).ToList();
        var v = choices.Chance(70) ? ran[0] : choices.Pick(ran);
        if (!preconditions.IsLoaded(v))
        {
            Emit(new LoadStep(v));
        }
        switch (choices.Weighted([14, 10, 8, 20, 5, 18, 6, 6, 4, 4, ReachWeight]))
        {
            case 0:
                ProgramCounter(v);
                break;
            case 1:
                Enable(v);
                break;
            case 2:
                Emit(new WriteStep(v, CounterValueRegister(), EdgeValues.CounterValue(choices)));
                break;
            case 3:
                HardwareEvents(v);
                break;
            case 4:
                Emit(new SwincStep(v, choices.Chance(70) ? ProgrammedMask() : choices.Bits()));
                break;
            case 5:
                Emit(new ReadStep(v, AnyRegister(v)));
                break;
            case 6:
                Emit(new WriteStep(v, choices.Pick(SetClearRegisters), choices.Chance(70) ? ProgrammedMask() : choices.Bits()));
                break;
            case 7:
                Hyp(v);
                break;
            case 8:
                Emit(new PutStep(v));
                break;
            case 9:
                ChainPair(v);
                break;
            default:
                ReachMove(v);
                break;
        }
    }

    private static readonly Register[] SetClearRegisters =
    [
        Register.PmcntenSet, Register.PmcntenClr, Register.PmintenSet, Register.PmintenClr, Register.PmovsSet,
        Register.PmovsClr,
    ];

    /// <summary>A counter index: mostly an implemented one, sometimes just past N, the last event counter or the cycle counter.</summary>
    private int CounterIndex() => choices.Weighted([75, 8, 4, 13]) switch
    {
        0 when model.Counters > 0 => choices.Below(model.Counters),
        1 => Math.Min(model.Counters, 30),
        2 => choices.Below(31),
        _ => Cycle,
    };

    private ulong EventTypeValue()
    {
        ulong e = choices.Chance(50) ? choices.Pick(EdgeValues.CountableEvents) : EdgeValues.Event(choices);
        if (choices.Chance(40))
        {
            e |= (ulong)choices.Below(64) << 26; // some of P, U, NSK, NSU, NSH, M
        }
        if (choices.Chance(5))
        {
            e |= choices.Bits() & 0xFFFFFFFF03FF0000; // bits no register stores
        }
        return e;
    }

    /// <summary>Writes a counter's event type, directly or through PMSELR (PMXEVTYPER).</summary>
    private void ProgramCounter(int v)
    {
        var i = CounterIndex();
        var value = EventTypeValue();
        if (i == Cycle)
        {
            Emit(new WriteStep(v, Register.Pmccfiltr, value & ~0xFFFFUL | (choices.Chance(20) ? value & 0xFFFF : 0)));
        }
        else if (choices.Chance(25))
        {
            if (selected != (ulong)i || choices.Chance(30))
            {
                Emit(new WriteStep(v, Register.Pmselr, (ulong)i));
            }
            Emit(new WriteStep(v, Register.Pmxevtyper, value));
        }
        else
        {
            Emit(new WriteStep(v, Register.Pmevtyper(i), value));
        }
    }

    /// <summary>PMCNTENSET for some counters, then PMCR with E (and LC/LP, P/C now and then).</summary>
    private void Enable(int v)
    {
        if (choices.Chance(80))
        {
            Emit(new WriteStep(v, Register.PmcntenSet, ProgrammedMask()));
        }
        ulong pmcr = choices.Chance(90) ? 1UL : 0UL;
        pmcr |= choices.Chance(30) ? 1UL << 6 : 0; // LC
        pmcr |= choices.Chance(30) ? 1UL << 7 : 0; // LP
        pmcr |= choices.Chance(8) ? 1UL << 1 : 0;  // P
        pmcr |= choices.Chance(8) ? 1UL << 2 : 0;  // C
        if (choices.Chance(8))
        {
            pmcr |= choices.Bits();
        }
        Emit(new WriteStep(v, Register.Pmcr, pmcr));
    }

    /// <summary>A mask of a few counters, the cycle counter often among them.</summary>
    private ulong ProgrammedMask()
    {
        ulong mask = 0;
        var picks = choices.Between(1, 3);
        for (var k = 0; k < picks; k++)
        {
            mask |= 1UL << CounterIndex();
        }
        return mask;
    }

    private Register CounterValueRegister()
    {
        var i = CounterIndex();
        if (i == Cycle)
        {
            return Register.Pmccntr;
        }
        return choices.Chance(15) && selected == (ulong)i ? Register.Pmxevcntr : Register.Pmevcntr(i);
    }

    /// <summary>Events that some counter selects (as the guest mask sees them), CPU_CYCLES, or an edge.</summary>
    private void HardwareEvents(int v)
    {
        ushort e = choices.Weighted([50, 20, 30]) switch
        {
            0 => (ushort)(programmed[CounterIndex()] & GuestMask),
            1 => Events.CpuCycles,
            _ => EdgeValues.Event(choices),
        };
        GuestEl el;
        if (choices.Chance(30))
        {
            el = GuestEl.El0;
        }
        else
        {
            el = preconditions.InHyp(v) ? GuestEl.El2 : GuestEl.El1;
        }
        Emit(new EventsStep(v, e, EdgeValues.Count(choices), el));
    }

    private static readonly RegisterKind[] ReadableKinds = Enum.GetValues<RegisterKind>();

    private Register AnyRegister(int v)
    {
        var kind = choices.Pick(ReadableKinds);
        return kind switch
        {
            RegisterKind.Pmevtyper or RegisterKind.Pmevcntr => new Register(kind, Math.Min(CounterIndex(), 30)),
            RegisterKind.MdcrEl2 when !preconditions.InHyp(v) => Register.PmovsSet,
            _ => new Register(kind),
        };
    }

    /// <summary>Nested VMs: enter or leave the hyp context, or program MDCR_EL2 at vEL2.</summary>
    private void Hyp(int v)
    {
        if (!setup.Vm.Nested)
        {
            Emit(new ReadStep(v, Register.Irq));
            return;
        }
        if (preconditions.InHyp(v) && choices.Chance(50))
        {
            ulong mdcr = (ulong)choices.Between(0, model.Counters + 1);
            mdcr |= choices.Chance(60) ? 1UL << 7 : 0;   // HPME
            mdcr |= choices.Chance(30) ? 1UL << 17 : 0;  // HPMD
            mdcr |= choices.Chance(30) ? 1UL << 26 : 0;  // HLP
            Emit(new WriteStep(v, Register.MdcrEl2, mdcr));
            return;
        }
        Emit(preconditions.InHyp(v) ? new ExitHypStep(v) : new EnterHypStep(v));
    }

    /// <summary>C7: an even counter near its 32-bit wrap feeding an odd CHAIN neighbour, both enabled.</summary>
    private void ChainPair(int v)
    {
        var pairs = Math.Max(1, model.Counters / 2);
        var even = 2 * choices.Below(pairs);
        var e = choices.Pick(new[] { Events.CpuCycles, Events.InstRetired, Events.SwIncr, Events.BrRetired });
        Emit(new WriteStep(v, Register.Pmevtyper(Math.Min(even, 30)), e));
        Emit(new WriteStep(v, Register.Pmevtyper(Math.Min(even + 1, 30)), Events.Chain));
        Emit(new WriteStep(v, Register.Pmevcntr(Math.Min(even, 30)), 0xFFFFFFFF - (ulong)choices.Below(3)));
        Emit(new WriteStep(v, Register.PmcntenSet, 3UL << even));
        Emit(new WriteStep(v, Register.Pmcr, choices.Chance(25) ? 0x81UL : 0x1UL));
        if (e == Events.SwIncr && choices.Chance(60))
        {
            // C6 then C7: one PMSWINC from the 32-bit wrap, so that the overflow reaches the CHAIN counter.
            Emit(new WriteStep(v, Register.Pmevcntr(Math.Min(even, 30)), 0xFFFFFFFF));
            Emit(new SwincStep(v, 1UL << even));
        }
    }

    /// <summary>Reads that make differences visible: overflow flags, the interrupt line, counters.</summary>
    private void FinalReads()
    {
        var v = Enumerable.Range(0, Vcpus).First(i => preconditions.HasRun(i));
        if (!preconditions.IsLoaded(v))
        {
            Emit(new LoadStep(v));
        }
        Emit(new ReadStep(v, Register.PmovsSet));
        Emit(new ReadStep(v, Register.Irq));
        Emit(new ReadStep(v, Register.Pmccntr));
        var reads = choices.Between(0, Math.Min(model.Counters, 3));
        for (var i = 0; i < reads; i++)
        {
            Emit(new ReadStep(v, Register.Pmevcntr(i)));
        }
    }
}
