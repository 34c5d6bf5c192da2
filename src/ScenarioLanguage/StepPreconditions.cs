namespace PmuConformance.Scenarios;

/// <summary>
/// Which steps make sense at which point of a scenario (scenario-language.md). What every step
/// needs is here: its vCPU exists, and a guest step needs a vCPU that has run and is loaded. What
/// a step needs beyond that, and what it changes, is the step's own (<see cref="Step.WhyImpossible"/>,
/// <see cref="Step.Advance"/>). Every simulating target uses this one definition.
/// </summary>
public sealed class StepPreconditions
{
    private readonly Setup setup;
    private readonly VcpuProgress[] vcpus;

    public StepPreconditions(Setup setup)
    {
        this.setup = setup;
        vcpus = Enumerable.Range(0, setup.Vm.Vcpus).Select(_ => new VcpuProgress()).ToArray();
    }

    /// <summary>vCPU <paramref name="v"/> has done a successful <c>run</c>: guest steps are possible.</summary>
    public bool HasRun(int v) => vcpus[v].HasRun;

    /// <summary>vCPU <paramref name="v"/> is loaded (not put).</summary>
    public bool IsLoaded(int v) => vcpus[v].Loaded;

    /// <summary>vCPU <paramref name="v"/> is in its hyp context (vEL2).</summary>
    public bool InHyp(int v) => vcpus[v].InHyp;

    /// <summary>Null when the step can be executed now, else why it makes no sense.</summary>
    public string? WhyImpossible(Step step)
    {
        var v = step.Vcpu;
        if (v < 0 || v >= vcpus.Length)
        {
            return $"vcpu {v} does not exist (vm vcpus={vcpus.Length})";
        }
        var vcpu = vcpus[v];
        if (!step.IsUserspace && !vcpu.HasRun)
        {
            return $"vcpu {v} has not run: guest steps need a successful 'run' first";
        }
        if (step.NeedsLoadedVcpu && !vcpu.Loaded)
        {
            return $"vcpu {v} is put: 'load' it before guest steps";
        }
        return step.WhyImpossible(vcpu);
    }

    /// <summary>Records the effect of an executed step on what makes sense next.</summary>
    public void Observe(Step step, Outcome outcome) => step.Advance(vcpus[step.Vcpu], outcome, setup);
}
