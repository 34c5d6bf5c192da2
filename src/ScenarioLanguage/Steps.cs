namespace PmuConformance.Scenarios;

/// <summary>An exception level of the guest at which hardware events occur.</summary>
public enum GuestEl
{
    El0,
    El1,

    /// <summary>vEL2: only in a hyp context (section 8).</summary>
    El2,
}

/// <summary>What kind of value a step yields (the shape of its <c>-&gt;</c> expectation).</summary>
public enum StepYield
{
    /// <summary><c>ok</c> or an errno name: a userspace ioctl.</summary>
    Status,

    /// <summary>A number, or <c>undef</c>: a guest register read.</summary>
    Value,

    /// <summary><c>ok</c> or <c>undef</c>: a guest register write or PMSWINC.</summary>
    Access,

    /// <summary>A number or an errno name: a userspace register read (<c>get-reg</c>).</summary>
    ValueOrStatus,

    /// <summary>Nothing to check.</summary>
    Nothing,
}

/// <summary>
/// One step of a scenario, done through vCPU <see cref="Vcpu"/>. Steps are values: two steps with
/// the same fields are equal, whatever line they came from.
/// Each step type is described in one place, its record below: its keyword and arguments as
/// printed, its static <c>Parse</c> (listed in <see cref="StepSyntax"/>), what it yields. The
/// places that execute steps (model, emulator, probe) switch over every type with no default.
/// </summary>
public abstract record Step(int Vcpu)
{
    public abstract StepYield Yields { get; }

    /// <summary>Userspace steps are ioctls of the VMM; the others are done by guest code.</summary>
    public abstract bool IsUserspace { get; }

    /// <summary>The keyword the step is written with.</summary>
    public abstract string Keyword { get; }

    /// <summary>The words after the keyword, as printed ("" when there are none).</summary>
    public virtual string Arguments => "";

    /// <summary>The step as written in a <c>.pmu</c> file, without the vcpu prefix.</summary>
    public string Text => Arguments.Length == 0 ? Keyword : Keyword + " " + Arguments;

    /// <summary>
    /// How the kernel oracle's probe does the step (its batch line, probe.c); null for a step a
    /// real kernel needs no action for (put/load: the scheduler's business).
    /// </summary>
    public abstract ProbeLine? Probe { get; }

    /// <summary>Whether the step needs a loaded vCPU (every guest step but put/load).</summary>
    public virtual bool NeedsLoadedVcpu => !IsUserspace;

    /// <summary>
    /// Why the step makes no sense on a vCPU in this state, beyond what <see cref="StepPreconditions"/>
    /// asks of every step (the vCPU exists; guest steps: it has run and is loaded); null: it does.
    /// </summary>
    public virtual string? WhyImpossible(VcpuProgress vcpu) => null;

    /// <summary>What the step, with this outcome, changes in what makes sense next on its vCPU.</summary>
    public virtual void Advance(VcpuProgress vcpu, Outcome outcome, Setup setup)
    {
    }
}

/// <summary>The probe's batch line of a step: <c>U</c> (an ioctl) or <c>G</c> (guest code), and the operation.</summary>
public readonly record struct ProbeLine(char Kind, string Operation);

/// <summary>Where one vCPU of a scenario stands, for <see cref="StepPreconditions"/>.</summary>
public sealed class VcpuProgress
{
    /// <summary>The vCPU has done a successful <c>run</c>: guest steps are possible.</summary>
    public bool HasRun { get; set; }

    /// <summary>The vCPU is loaded (not put).</summary>
    public bool Loaded { get; set; }

    /// <summary>The vCPU is in its hyp context (vEL2).</summary>
    public bool InHyp { get; set; }
}

/// <summary>A userspace ioctl on a vCPU fd; yields ok or an errno.</summary>
public abstract record UserspaceStep(int Vcpu) : Step(Vcpu)
{
    public override StepYield Yields => StepYield.Status;

    public override bool IsUserspace => true;

    /// <summary>A <c>U</c> line: the probe does <paramref name="operation"/> as an ioctl.</summary>
    protected static ProbeLine Ioctl(string operation) => new('U', operation);
}

/// <summary>Guest code running on a vCPU.</summary>
public abstract record GuestStep(int Vcpu) : Step(Vcpu)
{
    public override bool IsUserspace => false;

    /// <summary>A <c>G</c> line: the probe's guest code does <paramref name="operation"/>.</summary>
    protected static ProbeLine GuestCode(string operation) => new('G', operation);
}

/// <summary>A guest step that yields nothing to check.</summary>
public abstract record SilentGuestStep(int Vcpu) : GuestStep(Vcpu)
{
    public override StepYield Yields => StepYield.Nothing;
}

// ----------------------------------------------------------------------------------------------
// Userspace steps

/// <summary>KVM_ARM_VCPU_PMU_V3_FILTER with the 8-byte struct of U2.</summary>
public sealed record FilterStep(int Vcpu, byte Action, ushort Base, ushort Count, uint Pad = 0) : UserspaceStep(Vcpu)
{
    public const byte Allow = 0;
    public const byte Deny = 1;

    /// <summary>The largest value of the three pad bytes.</summary>
    public const uint MaxPad = 0xFFFFFF;

    public override string Keyword => "filter";

    public override ProbeLine? Probe => Ioctl($"FILTER {Action} {Numbers.Hex(Base)} {Count} {Numbers.Hex(Pad)}");

    public override string Arguments
    {
        get
        {
            var action = Action switch
            {
                Allow => "allow",
                Deny => "deny",
                _ => $"action={Action}",
            };
            var text = $"{action} {Numbers.Hex(Base)} {Count}";
            return Pad == 0 ? text : text + $" pad={Numbers.Hex(Pad)}";
        }
    }

    /// <summary><c>filter allow|deny|action=&lt;byte&gt; &lt;base&gt; &lt;n&gt; [pad=&lt;x&gt;]</c> or <c>filter fault</c>.</summary>
    public static UserspaceStep Parse(StepArguments a)
    {
        if (a.Count == 1 && a[0] == "fault")
        {
            return new FilterFaultStep(a.Vcpu);
        }
        const string usage = "filter allow|deny|action=<byte> <base> <nevents> [pad=<x>]";
        if (a.Count is < 3 or > 4)
        {
            throw a.Error($"expected '{usage}' or 'filter fault'");
        }
        byte action = a[0] switch
        {
            "allow" => Allow,
            "deny" => Deny,
            _ when a[0].StartsWith("action=", StringComparison.Ordinal) =>
                (byte)a.Number(a[0]["action=".Length..], byte.MaxValue, "action"),
            _ => throw a.Error($"expected allow, deny or action=<byte>, got '{a[0]}'"),
        };
        var baseEvent = a.Event(a[1], "base");
        var count = (ushort)a.Number(a[2], ushort.MaxValue, "nevents");
        uint pad = 0;
        if (a.Count == 4)
        {
            if (!a[3].StartsWith("pad=", StringComparison.Ordinal))
            {
                throw a.Error($"expected pad=<x>, got '{a[3]}'");
            }
            pad = (uint)a.Number(a[3]["pad=".Length..], MaxPad, "pad");
        }
        return new FilterStep(a.Vcpu, action, baseEvent, count, pad);
    }
}

/// <summary>KVM_ARM_VCPU_PMU_V3_FILTER with an unreadable pointer (F3). Parsed by <see cref="FilterStep.Parse"/>.</summary>
public sealed record FilterFaultStep(int Vcpu) : UserspaceStep(Vcpu)
{
    public override string Keyword => "filter";

    public override ProbeLine? Probe => Ioctl("FILTERFAULT");

    public override string Arguments => "fault";
}

/// <summary>KVM_ARM_VCPU_PMU_V3_SET_PMU with the id of the <see cref="PmuIndex"/>-th host PMU (L3).</summary>
public sealed record SetPmuStep(int Vcpu, uint PmuIndex) : UserspaceStep(Vcpu)
{
    public override string Keyword => "set-pmu";

    public override ProbeLine? Probe => Ioctl($"SETPMU {PmuIndex}");

    public override string Arguments => $"{PmuIndex}";

    public static SetPmuStep Parse(StepArguments a) =>
        new(a.Vcpu, (uint)a.Number(a.One("set-pmu <id>"), uint.MaxValue, "pmu id"));
}

/// <summary>KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS (profile 7.2).</summary>
public sealed record SetNrCountersStep(int Vcpu, uint Count) : UserspaceStep(Vcpu)
{
    public override string Keyword => "set-nr-counters";

    public override ProbeLine? Probe => Ioctl($"SETNR {Count}");

    public override string Arguments => $"{Count}";

    public static SetNrCountersStep Parse(StepArguments a) =>
        new(a.Vcpu, (uint)a.Number(a.One("set-nr-counters <n>"), uint.MaxValue, "counters"));
}

/// <summary>SET_ONE_REG of ID_AA64DFR0_EL1 with PMUVer changed to <see cref="Version"/> (E3).</summary>
public sealed record SetPmuVerStep(int Vcpu, byte Version) : UserspaceStep(Vcpu)
{
    public override string Keyword => "set-pmuver";

    public override ProbeLine? Probe => Ioctl($"SETPMUVER {Version}");

    public override string Arguments => PmuVersion.Format(Version);

    public static SetPmuVerStep Parse(StepArguments a)
    {
        var text = a.One("set-pmuver <v>");
        return PmuVersion.TryParse(text, out var v) ? new(a.Vcpu, v) : throw a.Error($"bad PMUVer '{text}'");
    }
}

/// <summary>KVM_SET_DEVICE_ATTR with an attribute number the PMU group does not know (U1).</summary>
public sealed record AttrStep(int Vcpu, ulong Attribute) : UserspaceStep(Vcpu)
{
    /// <summary>Attributes 0-4 have steps of their own; <c>attr</c> takes the others.</summary>
    public const ulong FirstUnknown = 5;

    public override string Keyword => "attr";

    public override ProbeLine? Probe => Ioctl($"ATTR {Attribute}");

    public override string Arguments => $"{Attribute}";

    public static AttrStep Parse(StepArguments a)
    {
        var attribute = a.Number(a.One("attr <n>"), ulong.MaxValue, "attribute");
        if (attribute < FirstUnknown)
        {
            throw a.Error($"attribute {attribute} has its own step (set-irq, init, filter, set-pmu, set-nr-counters); 'attr' takes {FirstUnknown} or more");
        }
        return new AttrStep(a.Vcpu, attribute);
    }
}

/// <summary>KVM_HAS_DEVICE_ATTR for attribute <see cref="Attribute"/> of the PMU group: how a VMM discovers features.</summary>
public sealed record HasAttrStep(int Vcpu, ulong Attribute) : UserspaceStep(Vcpu)
{
    public override string Keyword => "has-attr";

    public override ProbeLine? Probe => Ioctl($"HASATTR {Attribute}");

    public override string Arguments => $"{Attribute}";

    public static HasAttrStep Parse(StepArguments a) =>
        new(a.Vcpu, a.Number(a.One("has-attr <n>"), ulong.MaxValue, "attribute"));
}

/// <summary>The PMU interrupt attribute (IRQ, attribute 0) alone, with interrupt number <see cref="Intid"/>.</summary>
public sealed record SetIrqStep(int Vcpu, uint Intid) : UserspaceStep(Vcpu)
{
    /// <summary>The PPI every <c>init</c> sets unless the scenario set one (and what the VMMs use).</summary>
    public const uint DefaultPpi = 23;

    public override string Keyword => "set-irq";

    public override ProbeLine? Probe => Ioctl($"SETIRQ {Intid}");

    public override string Arguments => $"{Intid}";

    public static SetIrqStep Parse(StepArguments a) =>
        new(a.Vcpu, (uint)a.Number(a.One("set-irq <intid>"), uint.MaxValue, "intid"));
}

/// <summary>
/// KVM_ARM_VCPU_PMU_V3_INIT (L1). Without <see cref="NoIrq"/> the PMU interrupt (PPI 23) is set
/// first unless this vCPU already has one; <c>init noirq</c> sets none.
/// </summary>
public sealed record InitStep(int Vcpu, bool NoIrq = false) : UserspaceStep(Vcpu)
{
    public override string Keyword => "init";

    public override ProbeLine? Probe => Ioctl(NoIrq ? "INITNOIRQ" : "INIT");

    public override string Arguments => NoIrq ? "noirq" : "";

    public static InitStep Parse(StepArguments a) => a.Count switch
    {
        0 => new InitStep(a.Vcpu),
        1 when a[0] == "noirq" => new InitStep(a.Vcpu, NoIrq: true),
        _ => throw a.Error("expected 'init' or 'init noirq'"),
    };
}

/// <summary>KVM_RUN: the vCPU starts or resumes guest code (L1, L2).</summary>
public sealed record RunStep(int Vcpu) : UserspaceStep(Vcpu)
{
    public override string Keyword => "run";

    public override ProbeLine? Probe => Ioctl("RUN");

    /// <summary>KVM_RUN loads the vCPU; a nested VM's vCPU starts in its guest hypervisor (vEL2).</summary>
    public override void Advance(VcpuProgress vcpu, Outcome outcome, Setup setup)
    {
        if (outcome.Kind != OutcomeKind.Ok)
        {
            return;
        }
        if (!vcpu.HasRun)
        {
            vcpu.InHyp = setup.Vm.Nested;
        }
        vcpu.HasRun = true;
        vcpu.Loaded = true;
    }

    public static RunStep Parse(StepArguments a) => a.None(new RunStep(a.Vcpu));
}

/// <summary>KVM_ARM_VCPU_INIT again with the same features: a vCPU reset (L4).</summary>
public sealed record ResetStep(int Vcpu) : UserspaceStep(Vcpu)
{
    public override string Keyword => "reset";

    public override ProbeLine? Probe => Ioctl("RESET");

    /// <summary>
    /// L4: the vCPU starts again from its reset state; its guest code runs only after the next
    /// successful <c>run</c> (which also re-enters the hyp context of a nested VM).
    /// </summary>
    public override void Advance(VcpuProgress vcpu, Outcome outcome, Setup setup)
    {
        if (outcome.Kind == OutcomeKind.Ok)
        {
            vcpu.HasRun = vcpu.Loaded = vcpu.InHyp = false;
        }
    }

    public static ResetStep Parse(StepArguments a) => a.None(new ResetStep(a.Vcpu));
}

/// <summary>KVM_GET_ONE_REG of a PMU register (V1): the value, or an errno.</summary>
public sealed record GetRegStep(int Vcpu, Register Register) : UserspaceStep(Vcpu)
{
    public override StepYield Yields => StepYield.ValueOrStatus;

    public override string Keyword => "get-reg";

    public override ProbeLine? Probe => Ioctl($"GETREG {Register}");

    public override string Arguments => $"{Register}";

    public static GetRegStep Parse(StepArguments a) =>
        new(a.Vcpu, a.Register(a.One("get-reg <register>"), allowIrq: false, userspace: true));
}

/// <summary>KVM_SET_ONE_REG of a PMU register (V2-V4): what a VMM does to restore a saved vCPU.</summary>
public sealed record SetRegStep(int Vcpu, Register Register, ulong Value) : UserspaceStep(Vcpu)
{
    public override string Keyword => "set-reg";

    public override ProbeLine? Probe => Ioctl($"SETREG {Register} {Numbers.Hex(Value)}");

    public override string Arguments => $"{Register} {Numbers.Hex(Value)}";

    public static SetRegStep Parse(StepArguments a)
    {
        if (a.Count != 2)
        {
            throw a.Error("expected 'set-reg <register> <value>'");
        }
        var register = a.Register(a[0], allowIrq: false, userspace: true);
        if (register.Kind == RegisterKind.IdAa64dfr0)
        {
            throw a.Error("set-reg id_aa64dfr0: only its PMUVer field is modelled; use 'set-pmuver <v>'");
        }
        return new SetRegStep(a.Vcpu, register, a.Number(a[1], ulong.MaxValue, "value"));
    }
}

// ----------------------------------------------------------------------------------------------
// Guest steps

public sealed record WriteStep(int Vcpu, Register Register, ulong Value) : GuestStep(Vcpu)
{
    public override StepYield Yields => StepYield.Access;

    public override string Keyword => "write";

    public override ProbeLine? Probe => GuestCode($"WRITE {Register} {Numbers.Hex(Value)}");

    public override string? WhyImpossible(VcpuProgress vcpu) => MdcrAtVel2Only(Register, vcpu);

    /// <summary>MDCR_EL2 is a vEL2 register: its accesses need the hyp context.</summary>
    internal static string? MdcrAtVel2Only(Register register, VcpuProgress vcpu) =>
        register.Kind == RegisterKind.MdcrEl2 && !vcpu.InHyp ? "mdcr_el2 is accessible at vEL2 only ('enter-hyp' first)" : null;

    public override string Arguments => $"{Register} {Numbers.Hex(Value)}";

    public static WriteStep Parse(StepArguments a)
    {
        if (a.Count != 2)
        {
            throw a.Error("expected 'write <register> <value>'");
        }
        var register = a.Register(a[0]);
        if (register.IsReadOnly)
        {
            throw a.Error($"{register} is read only");
        }
        return new WriteStep(a.Vcpu, register, a.Number(a[1], ulong.MaxValue, "value"));
    }
}

public sealed record ReadStep(int Vcpu, Register Register) : GuestStep(Vcpu)
{
    public override StepYield Yields => StepYield.Value;

    public override string Keyword => "read";

    public override ProbeLine? Probe => GuestCode($"READ {Register}");

    public override string? WhyImpossible(VcpuProgress vcpu) => WriteStep.MdcrAtVel2Only(Register, vcpu);

    public override string Arguments => $"{Register}";

    public static ReadStep Parse(StepArguments a) => new(a.Vcpu, a.Register(a.One("read <register>")));
}

/// <summary>A guest write of <see cref="Mask"/> to PMSWINC_EL0 (C6).</summary>
public sealed record SwincStep(int Vcpu, ulong Mask) : GuestStep(Vcpu)
{
    public override StepYield Yields => StepYield.Access;

    public override string Keyword => "swinc";

    public override ProbeLine? Probe => GuestCode($"SWINC {Numbers.Hex(Mask)}");

    public override string Arguments => Numbers.Hex(Mask);

    public static SwincStep Parse(StepArguments a) =>
        new(a.Vcpu, a.Number(a.One("swinc <mask>"), ulong.MaxValue, "mask"));
}

/// <summary>The hardware saw <see cref="Count"/> occurrences of <see cref="Event"/> at guest <see cref="El"/> (C5).</summary>
public sealed record EventsStep(int Vcpu, ushort Event, ulong Count, GuestEl El) : SilentGuestStep(Vcpu)
{
    /// <summary>Counts are bounded so that every target can apply them without looping for ever.</summary>
    public const ulong MaxCount = 0xFFFFFFFF;

    public override string Keyword => "events";

    /// <summary>The probe loops at EL0, or in the current context (EL1, or vEL2 in the hyp context).</summary>
    public override ProbeLine? Probe => GuestCode(El == GuestEl.El0 ? $"LOOPEL0 {Count}" : $"LOOP {Count}");

    public override string? WhyImpossible(VcpuProgress vcpu) => El switch
    {
        GuestEl.El2 when !vcpu.InHyp => "events at el2 need the hyp context ('enter-hyp')",
        GuestEl.El1 when vcpu.InHyp => "events at el1 happen outside the hyp context ('exit-hyp' first); vEL2 code counts as el2",
        _ => null,
    };

    public override string Arguments =>
        $"{Events.Format(Event)} {Numbers.Decimal(Count)} at {El.ToString().ToLowerInvariant()}";

    public static EventsStep Parse(StepArguments a)
    {
        if (a.Count != 4 || a[2] != "at")
        {
            throw a.Error("expected 'events <event> <count> at el0|el1|el2'");
        }
        var el = a[3] switch
        {
            "el0" => GuestEl.El0,
            "el1" => GuestEl.El1,
            "el2" => a.NeedsNested(GuestEl.El2),
            _ => throw a.Error($"expected el0, el1 or el2, got '{a[3]}'"),
        };
        return new EventsStep(a.Vcpu, a.Event(a[0], "event"), a.Number(a[1], MaxCount, "count"), el);
    }
}

/// <summary>The vCPU enters its hyp context (vEL2); needs <c>nested=on</c> (N2).</summary>
public sealed record EnterHypStep(int Vcpu) : SilentGuestStep(Vcpu)
{
    public override string Keyword => "enter-hyp";

    public override ProbeLine? Probe => GuestCode("ENTERHYP");

    public override string? WhyImpossible(VcpuProgress vcpu) => vcpu.InHyp ? $"vcpu {Vcpu} is already in its hyp context" : null;

    public override void Advance(VcpuProgress vcpu, Outcome outcome, Setup setup) => vcpu.InHyp = true;

    public static EnterHypStep Parse(StepArguments a) => a.None(a.NeedsNested(new EnterHypStep(a.Vcpu)));
}

/// <summary>The vCPU leaves its hyp context for its vEL1 guest (N2).</summary>
public sealed record ExitHypStep(int Vcpu) : SilentGuestStep(Vcpu)
{
    public override string Keyword => "exit-hyp";

    public override ProbeLine? Probe => GuestCode("EXITHYP");

    public override string? WhyImpossible(VcpuProgress vcpu) => vcpu.InHyp ? null : $"vcpu {Vcpu} is not in its hyp context";

    public override void Advance(VcpuProgress vcpu, Outcome outcome, Setup setup) => vcpu.InHyp = false;

    public static ExitHypStep Parse(StepArguments a) => a.None(a.NeedsNested(new ExitHypStep(a.Vcpu)));
}

/// <summary>vcpu_put: the vCPU is scheduled out.</summary>
public sealed record PutStep(int Vcpu) : SilentGuestStep(Vcpu)
{
    public override string Keyword => "put";

    public override ProbeLine? Probe => null;

    public override bool NeedsLoadedVcpu => false;

    public override string? WhyImpossible(VcpuProgress vcpu) => vcpu.Loaded ? null : $"vcpu {Vcpu} is already put";

    public override void Advance(VcpuProgress vcpu, Outcome outcome, Setup setup) => vcpu.Loaded = false;

    public static PutStep Parse(StepArguments a) => a.None(new PutStep(a.Vcpu));
}

/// <summary>vcpu_load: the vCPU is scheduled back in.</summary>
public sealed record LoadStep(int Vcpu) : SilentGuestStep(Vcpu)
{
    public override string Keyword => "load";

    public override ProbeLine? Probe => null;

    public override bool NeedsLoadedVcpu => false;

    public override string? WhyImpossible(VcpuProgress vcpu) => vcpu.Loaded ? $"vcpu {Vcpu} is already loaded" : null;

    public override void Advance(VcpuProgress vcpu, Outcome outcome, Setup setup) => vcpu.Loaded = true;

    public static LoadStep Parse(StepArguments a) => a.None(new LoadStep(a.Vcpu));
}

/// <summary>Every step keyword and the parse function of the step record(s) written with it.</summary>
public static class StepSyntax
{
    public static readonly IReadOnlyDictionary<string, Func<StepArguments, Step>> Parsers =
        new Dictionary<string, Func<StepArguments, Step>>
        {
            ["filter"] = FilterStep.Parse,
            ["set-pmu"] = SetPmuStep.Parse,
            ["set-nr-counters"] = SetNrCountersStep.Parse,
            ["set-pmuver"] = SetPmuVerStep.Parse,
            ["attr"] = AttrStep.Parse,
            ["has-attr"] = HasAttrStep.Parse,
            ["set-irq"] = SetIrqStep.Parse,
            ["init"] = InitStep.Parse,
            ["run"] = RunStep.Parse,
            ["reset"] = ResetStep.Parse,
            ["get-reg"] = GetRegStep.Parse,
            ["set-reg"] = SetRegStep.Parse,
            ["write"] = WriteStep.Parse,
            ["read"] = ReadStep.Parse,
            ["swinc"] = SwincStep.Parse,
            ["events"] = EventsStep.Parse,
            ["enter-hyp"] = EnterHypStep.Parse,
            ["exit-hyp"] = ExitHypStep.Parse,
            ["put"] = PutStep.Parse,
            ["load"] = LoadStep.Parse,
        };

    /// <summary>Every concrete step type, for tests that check each is handled everywhere.</summary>
    public static IReadOnlyList<Type> StepTypes { get; } =
        typeof(Step).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Step)) && !t.IsAbstract).ToList();
}
