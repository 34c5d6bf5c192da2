using PmuConformance.Checking.Coverage;
using PmuConformance.Checking.Generation;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Checks;

/// <summary>Property (b): laws the reference model must obey in every profile.</summary>
public static class ModelLaws
{
    public static IReadOnlyList<IScenarioCheck> All(ITarget? subject = null) =>
    [
        new PmceidShowsOnlyHostEvents(subject),
        new FilteredEventsNeverCount(subject),
        new SoftwareCountingIgnoresFilter(subject),
        new RejectedCallsChangeNothing(subject),
        new PutLoadPlacementIrrelevant(subject),
    ];

    /// <summary>The filter as the kernel leaves it after the accepted FILTER calls (B1, B2), recomputed here on its own.</summary>
    internal static Func<uint, bool>? FinalFilter(Scenario scenario, Execution transcript)
    {
        var accepted = scenario.Steps.Select((s, i) => (s.Step, i))
            .Where(p => p.Step is FilterStep && transcript.Outcomes[p.i].Kind == OutcomeKind.Ok)
            .Select(p => (FilterStep)p.Step)
            .ToList();
        if (accepted.Count == 0)
        {
            return null;
        }
        var defaultAllowed = accepted[0].Action != FilterStep.Allow;
        return e =>
        {
            for (var k = accepted.Count - 1; k >= 0; k--)
            {
                var f = accepted[k];
                if (e >= f.Base && e < (uint)f.Base + f.Count)
                {
                    return f.Action == FilterStep.Allow;
                }
            }
            return defaultAllowed;
        };
    }
}

/// <summary>P1-P5: PMCEID never shows an event the host lacks, apart from the bits P2 forces.</summary>
public sealed class PmceidShowsOnlyHostEvents(ITarget? subject = null) : IScenarioCheck
{
    private readonly ModelTarget model = new();

    public string Name => subject is null ? "law-pmceid-host-events" : "law-pmceid-host-events-" + subject.Name.Replace(':', '-');

    public GeneratorOptions Generator { get; } =
        subject is null ? GeneratorOptions.AllProfiles : GeneratorOptions.For(subject, KernelProfile.V7_2);

    public CheckOutcome Check(Scenario scenario)
    {
        var (modelTranscript, rules) = model.ExecuteTraced(scenario);
        var labels = Labels.Of(scenario, modelTranscript, rules);
        var transcript = subject is null ? modelTranscript : subject.Execute(scenario);
        var host = scenario.Setup.Host;
        var forced0 = scenario.Setup.ProfileRules.ForcedPmceid0Events.Aggregate(0UL, (bits, e) => bits | (1UL << (int)e));
        for (var i = 0; i < transcript.Outcomes.Count; i++)
        {
            if (scenario.Steps[i].Step is ReadStep { Register.Kind: RegisterKind.Pmceid0 or RegisterKind.Pmceid1 } read
                && transcript.Outcomes[i].Kind == OutcomeKind.Value)
            {
                var allowed = read.Register.Kind == RegisterKind.Pmceid0 ? host.Pmceid0 | forced0 : host.Pmceid1;
                var value = transcript.Outcomes[i].Value;
                if ((value & ~allowed) != 0)
                {
                    return new CheckOutcome(labels, new Disagreement(
                        i, $"a subset of {Numbers.Hex(allowed)}", Numbers.Hex(value),
                        $"{Name}: PMCEID shows events the host lacks", transcript.Outcomes.Select(o => (Outcome?)o).ToList()));
                }
            }
        }
        return new CheckOutcome(labels);
    }
}

/// <summary>C2: deleting hardware events of a denied event changes nothing (a filtered counter never advances).</summary>
public sealed class FilteredEventsNeverCount(ITarget? subject = null) : ModelComparisonCheck(subject)
{
    protected override string LawName => "law-filtered-never-counts";

    public override string Statement => "hardware events of a denied event change no observation (C2)";

    protected override Comparison? Derive(Scenario scenario, Execution transcript)
    {
        if (ModelLaws.FinalFilter(scenario, transcript) is not { } allowed)
        {
            return null;
        }
        var space = EventSpace.FilterSpace(scenario.Setup.ProfileRules, scenario.Setup.Host);
        bool Denied(Step s) => s is EventsStep e && e.Event < space && !allowed(e.Event);
        if (!scenario.Steps.Any(s => Denied(s.Step)))
        {
            return null;
        }
        var variant = new VariantBuilder(scenario);
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            if (!Denied(scenario.Steps[i].Step))
            {
                variant.Keep(i);
            }
        }
        return variant.Build();
    }
}

/// <summary>
/// C6, C7: without hardware events, the filter decides nothing but PMCEID (P4) and SET_PMU (L3):
/// SW_INCR and CHAIN counters, overflow and interrupts are the same under "deny everything".
/// </summary>
public sealed class SoftwareCountingIgnoresFilter(ITarget? subject = null) : ModelComparisonCheck(subject)
{
    protected override string LawName => "law-swincr-ignores-filter";

    public override string Statement => "without hardware events, replacing the filters by 'allow 0 0' changes nothing but PMCEID (C6, C7, P4)";

    protected override Comparison? Derive(Scenario scenario, Execution transcript)
    {
        bool Software(Step s) => s is not (EventsStep or SetPmuStep);
        bool FilterDependent(Step s) => s is FilterStep or FilterFaultStep
            || s is ReadStep { Register.Kind: RegisterKind.Pmceid0 or RegisterKind.Pmceid1 };
        var left = new VariantBuilder(scenario);
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            if (Software(scenario.Steps[i].Step))
            {
                left.Keep(i);
            }
        }
        var leftScenario = left.BuildScenario();
        var right = new VariantBuilder(leftScenario);
        right.Add(new FilterStep(0, FilterStep.Allow, 0, 0));
        for (var i = 0; i < leftScenario.Steps.Count; i++)
        {
            var step = leftScenario.Steps[i].Step;
            if (step is not (FilterStep or FilterFaultStep))
            {
                right.Keep(i, compared: !FilterDependent(step));
            }
        }
        return right.Build();
    }
}

/// <summary>
/// F8, L2: a refused uAPI call changes nothing: deleting every refused call leaves every other
/// outcome. A refused KVM_RUN included: under deviation KD2 (7.2) it fixes whether a PMUVer of 0 hides
/// the PMU (corpora/kernel-deviations/KD2-*.pmu), so only then is it kept.
/// </summary>
public sealed class RejectedCallsChangeNothing(ITarget? subject = null) : ModelComparisonCheck(subject)
{
    protected override string LawName => "law-refused-calls-change-nothing";

    public override string Statement => "a refused uAPI call changes no later observation (F8)";

    protected override Comparison? Derive(Scenario scenario, Execution transcript)
    {
        var runsMatter = scenario.Setup.Deviations.Contains(PmuConformance.ReferenceModel.DeviationSwitches.FailedRunFixesPmuVisibility);
        bool Refused(int i) => scenario.Steps[i].Step is UserspaceStep step
            && !(step is RunStep && runsMatter)
            && transcript.Outcomes[i].Kind == OutcomeKind.Errno;
        if (!Enumerable.Range(0, scenario.Steps.Count).Any(Refused))
        {
            return null;
        }
        var variant = new VariantBuilder(scenario);
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            if (!Refused(i))
            {
                variant.Keep(i);
            }
        }
        return variant.Build();
    }
}

/// <summary>Scheduling is invisible: moving the put/load pairs elsewhere changes no outcome.</summary>
public sealed class PutLoadPlacementIrrelevant(ITarget? subject = null) : ModelComparisonCheck(subject)
{
    protected override string LawName => "law-put-load-placement";

    public override string Statement => "where put/load happen does not change the transcript";

    protected override Comparison? Derive(Scenario scenario, Execution transcript)
    {
        // Strip every put/load, then put each vCPU after every third guest step of it and load it
        // again right before its next guest step.
        var variant = new VariantBuilder(scenario);
        var put = new bool[scenario.Setup.Vm.Vcpus];
        var guestSteps = 0;
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i].Step;
            if (step is PutStep or LoadStep)
            {
                continue;
            }
            if (step is RunStep)
            {
                put[step.Vcpu] = false; // KVM_RUN loads the vCPU
            }
            if (step is GuestStep && put[step.Vcpu])
            {
                variant.Add(new LoadStep(step.Vcpu));
                put[step.Vcpu] = false;
            }
            variant.Keep(i);
            if (step is GuestStep && ++guestSteps % 3 == 1)
            {
                variant.Add(new PutStep(step.Vcpu));
                put[step.Vcpu] = true;
            }
        }
        return variant.Build();
    }
}
