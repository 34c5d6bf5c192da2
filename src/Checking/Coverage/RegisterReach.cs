using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Coverage;

/// <summary>
/// Edge classes of reach (issue 13): every way the guest can reach a counter register (directly,
/// through PMXEVTYPER/PMXEVCNTR by PMSELR.SEL including 31, the cycle counter both ways), every
/// write that changes exactly one field of PMCR (E, P, C, LC, LP) or MDCR_EL2 (HPMN, HPME, HPMD,
/// HLP) against the previous write, and PMSWINC aimed at hyp counters from outside vEL2. A defect
/// on one of these paths is invisible to a run that never takes it.
/// </summary>
public static class RegisterReach
{
    public const string EvtyperDirect = "PMEVTYPER<n> direct";
    public const string EvcntrDirect = "PMEVCNTR<n> direct";
    public const string EvtyperIndirect = "PMXEVTYPER, SEL<31 (PMEVTYPER<n>)";
    public const string EvcntrIndirect = "PMXEVCNTR, SEL<31 (PMEVCNTR<n>)";
    public const string CcfiltrDirect = "PMCCFILTR direct";
    public const string CcntrDirect = "PMCCNTR direct";
    public const string CcfiltrIndirect = "PMXEVTYPER, SEL=31 (PMCCFILTR)";
    public const string XevcntrSel31 = "PMXEVCNTR, SEL=31";
    public const string HypSwincOutside = "hyp-counter PMSWINC outside vEL2";

    /// <summary>The PMCR fields whose single-field writes are classes, with their bits.</summary>
    public static readonly IReadOnlyList<(string Name, ulong Bits)> PmcrFields =
        [("E", PmcrBits.E), ("P", PmcrBits.P), ("C", PmcrBits.C), ("LC", PmcrBits.LC), ("LP", PmcrBits.LP)];

    /// <summary>The MDCR_EL2 fields whose single-field writes are classes, with their bits.</summary>
    public static readonly IReadOnlyList<(string Name, ulong Bits)> MdcrFields =
        [("HPMN", MdcrBits.HpmnMask), ("HPME", MdcrBits.Hpme), ("HPMD", MdcrBits.Hpmd), ("HLP", MdcrBits.Hlp)];

    public static string PmcrToggle(string field) => $"PMCR write: only {field} changes";

    public static string MdcrToggle(string field) => $"MDCR_EL2 write: only {field} changes";

    /// <summary>Every reach class: each must be exercised, by more than 1% of a default run's cases.</summary>
    public static readonly IReadOnlyList<string> Classes =
    [
        EvtyperDirect, EvcntrDirect, EvtyperIndirect, EvcntrIndirect, CcfiltrDirect, CcntrDirect, CcfiltrIndirect, XevcntrSel31,
        .. PmcrFields.Select(f => PmcrToggle(f.Name)),
        .. MdcrFields.Select(f => MdcrToggle(f.Name)),
        HypSwincOutside,
    ];

    /// <summary>The reach classes of one scenario, given the model's transcript of it.</summary>
    public static IEnumerable<string> Of(Scenario scenario, Execution model)
    {
        var classes = new HashSet<string>();
        var history = new RegisterHistory(scenario.Setup);
        for (var i = 0; i < scenario.Steps.Count && i < model.Outcomes.Count; i++)
        {
            var step = scenario.Steps[i].Step;
            var outcome = model.Outcomes[i];
            switch (step)
            {
                case ReadStep r:
                    Access(classes, r.Register.Kind, history.Selection(r.Vcpu));
                    break;
                case WriteStep w:
                    Access(classes, w.Register.Kind, history.Selection(w.Vcpu));
                    if (outcome.Kind == OutcomeKind.Ok)
                    {
                        Toggle(classes, w, history);
                    }
                    break;
                case SwincStep s when HitsHypCountersFromOutside(s, history):
                    classes.Add(HypSwincOutside);
                    break;
            }
            history.Observe(step, outcome);
        }
        return classes;
    }

    /// <summary>PMCR's other writable bits (D, X, DP): a write that changes one of them too changes two fields.</summary>
    public const ulong PmcrOtherBits = PmcrBits.Writable & ~(PmcrBits.E | PmcrBits.P | PmcrBits.C | PmcrBits.LC | PmcrBits.LP);

    /// <summary>
    /// The single field of <paramref name="fields"/> a write changes against the previous write, if
    /// exactly one and none of <paramref name="otherBits"/> changed.
    /// </summary>
    public static string? SingleFieldChange(ulong previous, ulong value, IReadOnlyList<(string Name, ulong Bits)> fields, ulong otherBits = 0)
    {
        var changed = fields.Where(f => ((previous ^ value) & f.Bits) != 0).ToList();
        return changed.Count == 1 && ((previous ^ value) & otherBits) == 0 ? changed[0].Name : null;
    }

    /// <summary>Counters [HPMN, N) are the guest hypervisor's; a PMSWINC from its guest (outside vEL2) aimed at them.</summary>
    public static bool HitsHypCountersFromOutside(SwincStep s, RegisterHistory history)
    {
        if (!history.Setup.Vm.Nested || history.InHyp(s.Vcpu))
        {
            return false;
        }
        var hpmn = history.Hpmn(s.Vcpu);
        var hyp = HypCounterMask(hpmn, history.Counters);
        return (s.Mask & hyp) != 0;
    }

    /// <summary>The bits of counters HPMN to N-1.</summary>
    public static ulong HypCounterMask(int hpmn, int counters) =>
        hpmn >= counters ? 0 : ((1UL << Math.Min(counters, 31)) - 1) & ~((1UL << hpmn) - 1);

    private static void Access(HashSet<string> classes, RegisterKind kind, int selection)
    {
        var label = kind switch
        {
            RegisterKind.Pmevtyper => EvtyperDirect,
            RegisterKind.Pmevcntr => EvcntrDirect,
            RegisterKind.Pmccfiltr => CcfiltrDirect,
            RegisterKind.Pmccntr => CcntrDirect,
            RegisterKind.Pmxevtyper => selection == Register.CycleCounter ? CcfiltrIndirect : EvtyperIndirect,
            RegisterKind.Pmxevcntr => selection == Register.CycleCounter ? XevcntrSel31 : EvcntrIndirect,
            _ => null,
        };
        if (label is not null)
        {
            classes.Add(label);
        }
    }

    private static void Toggle(HashSet<string> classes, WriteStep w, RegisterHistory history)
    {
        if (w.Register.Kind == RegisterKind.Pmcr && history.LastPmcr(w.Vcpu) is { } pmcr
            && SingleFieldChange(pmcr, w.Value, PmcrFields, PmcrOtherBits) is { } pmcrField)
        {
            classes.Add(PmcrToggle(pmcrField));
        }
        else if (w.Register.Kind == RegisterKind.MdcrEl2 && history.LastMdcr(w.Vcpu) is { } mdcr
            && SingleFieldChange(mdcr, w.Value, MdcrFields) is { } mdcrField)
        {
            classes.Add(MdcrToggle(mdcrField));
        }
    }
}
