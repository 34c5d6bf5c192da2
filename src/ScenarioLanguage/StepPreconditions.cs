namespace PmuConformance.Scenarios;

/// <summary>
/// Which steps make sense at which point of a scenario (scenario-language.md): guest steps need a
/// vCPU that has run and is loaded; <c>at el2</c> and <c>mdcr_el2</c> need the hyp context, <c>at el1</c>
/// needs to be outside it; put/load alternate. Every simulating target uses this one definition.
/// </summary>
public sealed class StepPreconditions
{
    private readonly Setup setup;
    private readonly bool[] hasRun;
    private readonly bool[] loaded;
    private readonly bool[] inHyp;

    public StepPreconditions(Setup setup)
    {
        this.setup = setup;
        hasRun = new bool[setup.Vm.Vcpus];
        loaded = new bool[setup.Vm.Vcpus];
        inHyp = new bool[setup.Vm.Vcpus];
    }

    /// <summary>vCPU <paramref name="v"/> has done a successful <c>run</c>: guest steps are possible.</summary>
    public bool HasRun(int v) => hasRun[v];

    /// <summary>vCPU <paramref name="v"/> is loaded (not put).</summary>
    public bool IsLoaded(int v) => loaded[v];

    /// <summary>vCPU <paramref name="v"/> is in its hyp context (vEL2).</summary>
    public bool InHyp(int v) => inHyp[v];

    /// <summary>Null when the step can be executed now, else why it makes no sense.</summary>
    public string? WhyImpossible(Step step)
    {
        var v = step.Vcpu;
        if (v < 0 || v >= hasRun.Length)
        {
            return $"vcpu {v} does not exist (vm vcpus={hasRun.Length})";
        }
        if (step.IsUserspace)
        {
            return null;
        }
        if (!hasRun[v])
        {
            return $"vcpu {v} has not run: guest steps need a successful 'run' first";
        }
        switch (step)
        {
            case LoadStep:
                return loaded[v] ? $"vcpu {v} is already loaded" : null;
            case PutStep:
                return loaded[v] ? null : $"vcpu {v} is already put";
        }
        if (!loaded[v])
        {
            return $"vcpu {v} is put: 'load' it before guest steps";
        }
        return step switch
        {
            EventsStep { El: GuestEl.El2 } when !inHyp[v] => "events at el2 need the hyp context ('enter-hyp')",
            EventsStep { El: GuestEl.El1 } when inHyp[v] => "events at el1 happen outside the hyp context ('exit-hyp' first); vEL2 code counts as el2",
            EnterHypStep when inHyp[v] => $"vcpu {v} is already in its hyp context",
            ExitHypStep when !inHyp[v] => $"vcpu {v} is not in its hyp context",
            ReadStep { Register.Kind: RegisterKind.MdcrEl2 } or WriteStep { Register.Kind: RegisterKind.MdcrEl2 }
                when !inHyp[v] => "mdcr_el2 is accessible at vEL2 only ('enter-hyp' first)",
            _ => null,
        };
    }

    /// <summary>Records the effect of an executed step on what makes sense next.</summary>
    public void Observe(Step step, Outcome outcome)
    {
        var v = step.Vcpu;
        switch (step)
        {
            case RunStep when outcome.Kind == OutcomeKind.Ok:
                if (!hasRun[v])
                {
                    // A nested VM's vCPU starts in its guest hypervisor (vEL2).
                    inHyp[v] = setup.Vm.Nested;
                }
                hasRun[v] = true;
                loaded[v] = true; // KVM_RUN loads the vCPU
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
            case ResetStep when outcome.Kind == OutcomeKind.Ok:
                // L4: the vCPU starts again from its reset state; its guest code runs only after
                // the next successful 'run' (which also re-enters the hyp context of a nested VM).
                hasRun[v] = false;
                loaded[v] = false;
                inHyp[v] = false;
                break;
        }
    }
}
