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

    /// <summary>Nothing to check.</summary>
    Nothing,
}

/// <summary>
/// One step of a scenario, done through vCPU <see cref="Vcpu"/>. Steps are values: two steps with
/// the same fields are equal, whatever line they came from.
/// </summary>
public abstract record Step(int Vcpu)
{
    public abstract StepYield Yields { get; }

    /// <summary>Userspace steps are ioctls of the VMM; the others are done by guest code.</summary>
    public abstract bool IsUserspace { get; }
}

/// <summary>A userspace ioctl on a vCPU fd; yields ok or an errno.</summary>
public abstract record UserspaceStep(int Vcpu) : Step(Vcpu)
{
    public override StepYield Yields => StepYield.Status;

    public override bool IsUserspace => true;
}

/// <summary>Guest code running on a vCPU.</summary>
public abstract record GuestStep(int Vcpu) : Step(Vcpu)
{
    public override bool IsUserspace => false;
}

/// <summary>KVM_ARM_VCPU_PMU_V3_FILTER with the 8-byte struct of U2.</summary>
public sealed record FilterStep(int Vcpu, byte Action, ushort Base, ushort Count, uint Pad = 0) : UserspaceStep(Vcpu)
{
    public const byte Allow = 0;
    public const byte Deny = 1;

    /// <summary>The largest value of the three pad bytes.</summary>
    public const uint MaxPad = 0xFFFFFF;
}

/// <summary>KVM_ARM_VCPU_PMU_V3_FILTER with an unreadable pointer (F3).</summary>
public sealed record FilterFaultStep(int Vcpu) : UserspaceStep(Vcpu);

/// <summary>KVM_ARM_VCPU_PMU_V3_SET_PMU with the id of the <see cref="PmuIndex"/>-th host PMU (L3).</summary>
public sealed record SetPmuStep(int Vcpu, uint PmuIndex) : UserspaceStep(Vcpu);

/// <summary>KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS (profile 7.2).</summary>
public sealed record SetNrCountersStep(int Vcpu, uint Count) : UserspaceStep(Vcpu);

/// <summary>SET_ONE_REG of ID_AA64DFR0_EL1 with PMUVer changed to <see cref="Version"/> (E3).</summary>
public sealed record SetPmuVerStep(int Vcpu, byte Version) : UserspaceStep(Vcpu);

/// <summary>KVM_SET_DEVICE_ATTR with an attribute number the PMU group does not know (U1).</summary>
public sealed record AttrStep(int Vcpu, ulong Attribute) : UserspaceStep(Vcpu)
{
    /// <summary>Attributes 0-4 have steps of their own; <c>attr</c> takes the others.</summary>
    public const ulong FirstUnknown = 5;
}

/// <summary>Set the PMU interrupt (PPI 23) if not set yet, then KVM_ARM_VCPU_PMU_V3_INIT (L1).</summary>
public sealed record InitStep(int Vcpu) : UserspaceStep(Vcpu);

/// <summary>KVM_RUN: the vCPU starts or resumes guest code (L1, L2).</summary>
public sealed record RunStep(int Vcpu) : UserspaceStep(Vcpu);

public sealed record WriteStep(int Vcpu, Register Register, ulong Value) : GuestStep(Vcpu)
{
    public override StepYield Yields => StepYield.Access;
}

public sealed record ReadStep(int Vcpu, Register Register) : GuestStep(Vcpu)
{
    public override StepYield Yields => StepYield.Value;
}

/// <summary>A guest write of <see cref="Mask"/> to PMSWINC_EL0 (C6).</summary>
public sealed record SwincStep(int Vcpu, ulong Mask) : GuestStep(Vcpu)
{
    public override StepYield Yields => StepYield.Access;
}

/// <summary>The hardware saw <see cref="Count"/> occurrences of <see cref="Event"/> at guest <see cref="El"/> (C5).</summary>
public sealed record EventsStep(int Vcpu, ushort Event, ulong Count, GuestEl El) : GuestStep(Vcpu)
{
    /// <summary>Counts are bounded so that every target can apply them without looping for ever.</summary>
    public const ulong MaxCount = 0xFFFFFFFF;

    public override StepYield Yields => StepYield.Nothing;
}

/// <summary>The vCPU enters its hyp context (vEL2); needs <c>nested=on</c> (N2).</summary>
public sealed record EnterHypStep(int Vcpu) : GuestStep(Vcpu)
{
    public override StepYield Yields => StepYield.Nothing;
}

/// <summary>The vCPU leaves its hyp context for its vEL1 guest (N2).</summary>
public sealed record ExitHypStep(int Vcpu) : GuestStep(Vcpu)
{
    public override StepYield Yields => StepYield.Nothing;
}

/// <summary>vcpu_put: the vCPU is scheduled out.</summary>
public sealed record PutStep(int Vcpu) : GuestStep(Vcpu)
{
    public override StepYield Yields => StepYield.Nothing;
}

/// <summary>vcpu_load: the vCPU is scheduled back in.</summary>
public sealed record LoadStep(int Vcpu) : GuestStep(Vcpu)
{
    public override StepYield Yields => StepYield.Nothing;
}
