using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Coverage;

/// <summary>
/// What the steps so far did to the registers that decide how the guest reaches a counter: per vCPU,
/// PMSELR.SEL, the last PMCR and MDCR_EL2 values written (a "toggle" is measured against the last
/// write), the hyp context, and the number of counters. One definition for the edge classes
/// (<see cref="RegisterReach"/>) and the generator, so that what the generator aims at is exactly
/// what the classes count.
/// </summary>
public sealed class RegisterHistory
{
    /// <summary>PMSELR resets to the R6 pattern's low five bits (0x1E), as the model's reset shows.</summary>
    public const int ResetSelection = 0x1E;

    private readonly StepPreconditions context;
    private readonly int[] selection;
    private readonly ulong?[] lastPmcr;
    private readonly ulong?[] lastMdcr;

    public RegisterHistory(Setup setup)
    {
        Setup = setup;
        context = new StepPreconditions(setup);
        selection = Enumerable.Repeat(ResetSelection, setup.Vm.Vcpus).ToArray();
        lastPmcr = new ulong?[setup.Vm.Vcpus];
        lastMdcr = new ulong?[setup.Vm.Vcpus];
        Counters = setup.Host.Counters;
    }

    public Setup Setup { get; }

    /// <summary>Event counters of the VM (the host's, or what SET_NR_COUNTERS set).</summary>
    public int Counters { get; private set; }

    public int Selection(int vcpu) => selection[vcpu];

    public ulong? LastPmcr(int vcpu) => lastPmcr[vcpu];

    public ulong? LastMdcr(int vcpu) => lastMdcr[vcpu];

    public bool InHyp(int vcpu) => context.InHyp(vcpu);

    /// <summary>MDCR_EL2.HPMN as last written (clamped to N, as KVM does), or N before any write (N1).</summary>
    public int Hpmn(int vcpu) => lastMdcr[vcpu] is { } mdcr ? (int)Math.Min(mdcr & MdcrBits.HpmnMask, (ulong)Counters) : Counters;

    public void Observe(Step step, Outcome outcome)
    {
        var ok = outcome.Kind == OutcomeKind.Ok;
        switch (step)
        {
            case WriteStep { Register.Kind: RegisterKind.Pmselr } w when ok:
                selection[w.Vcpu] = (int)(w.Value & 0x1F);
                break;
            case WriteStep { Register.Kind: RegisterKind.Pmcr } w when ok:
                lastPmcr[w.Vcpu] = w.Value;
                break;
            case WriteStep { Register.Kind: RegisterKind.MdcrEl2 } w when ok:
                lastMdcr[w.Vcpu] = w.Value;
                break;
            case SetNrCountersStep s when ok:
                Counters = (int)s.Count;
                break;
        }
        context.Observe(step, outcome);
    }
}
