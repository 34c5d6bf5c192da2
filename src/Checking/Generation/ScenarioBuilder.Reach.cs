using PmuConformance.Checking.Choices;
using PmuConformance.Checking.Coverage;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Generation;

/// <summary>
/// The reach moves (issue 13): the register paths that random moves take too rarely for a defect on
/// them to be found (PMXEV* with PMSELR.SEL = 31, a write that changes one field of PMCR or
/// MDCR_EL2, PMSWINC at hyp counters from the guest's guest). Each move aims at one class of
/// <see cref="RegisterReach"/>, judged by the same <see cref="RegisterHistory"/>.
/// </summary>
internal sealed partial class ScenarioBuilder
{
    /// <summary>The reach move's weight among the guest moves (which sum to 99 without it).</summary>
    private const int ReachWeight = 12;

    private RegisterHistory? history;

    /// <summary>What the emitted steps did to PMSELR, PMCR, MDCR_EL2 and the hyp context.</summary>
    private RegisterHistory History => history ??= new RegisterHistory(setup);

    private void ReachMove(int v)
    {
        // Nested VMs have the hyp paths to cover too; the others share out the same weight.
        var nested = setup.Vm.Nested;
        switch (choices.Weighted([nested ? 15 : 30, nested ? 10 : 20, nested ? 25 : 50, nested ? 30 : 0, nested ? 20 : 0]))
        {
            case 0:
                ThroughSelection(v, Cycle);
                break;
            case 1:
                ThroughSelection(v, choices.Below(Math.Min(Math.Max(model.Counters, 1), 31)));
                break;
            case 2:
                PmcrSingleField(v);
                break;
            case 3:
                MdcrSingleField(v);
                break;
            default:
                HypSwincFromOutside(v);
                break;
        }
    }

    /// <summary>PMSELR.SEL = <paramref name="index"/>, then a read or write of PMXEVTYPER or PMXEVCNTR.</summary>
    private void ThroughSelection(int v, int index)
    {
        if (History.Selection(v) != index || choices.Chance(20))
        {
            Emit(new WriteStep(v, Register.Pmselr, (ulong)index));
        }
        switch (choices.Weighted([35, 20, 30, 15]))
        {
            case 0:
                var value = EventTypeValue();
                // Through SEL = 31 this is PMCCFILTR: mostly its filter bits only, sometimes an event number too.
                Emit(new WriteStep(v, Register.Pmxevtyper, index == Cycle && choices.Chance(80) ? value & ~0xFFFFUL : value));
                break;
            case 1:
                Emit(new ReadStep(v, Register.Pmxevtyper));
                break;
            case 2:
                Emit(new WriteStep(v, Register.Pmxevcntr, EdgeValues.CounterValue(choices)));
                break;
            default:
                Emit(new ReadStep(v, Register.Pmxevcntr));
                break;
        }
    }

    /// <summary>A PMCR write that differs from the previous one in exactly one of E, P, C, LC, LP.</summary>
    private void PmcrSingleField(int v)
    {
        if (History.LastPmcr(v) is null)
        {
            Emit(new WriteStep(v, Register.Pmcr, (choices.Chance(80) ? PmcrBits.E : 0) | (choices.Chance(30) ? PmcrBits.LC : 0)));
        }
        var previous = History.LastPmcr(v) ?? 0;
        var (_, bits) = choices.Pick(RegisterReach.PmcrFields);
        Emit(new WriteStep(v, Register.Pmcr, previous ^ bits));
    }

    /// <summary>At vEL2, an MDCR_EL2 write that differs from the previous one in exactly one of HPMN, HPME, HPMD, HLP.</summary>
    private void MdcrSingleField(int v)
    {
        if (!History.InHyp(v))
        {
            Emit(new EnterHypStep(v));
        }
        if (History.LastMdcr(v) is null)
        {
            Emit(new WriteStep(v, Register.MdcrEl2, MdcrValue(choices.Between(0, model.Counters))));
        }
        var previous = History.LastMdcr(v) ?? 0;
        var (_, bits) = choices.Pick(RegisterReach.MdcrFields);
        ulong next;
        if (bits == MdcrBits.HpmnMask)
        {
            var hpmn = (int)(previous & MdcrBits.HpmnMask);
            var other = choices.Between(0, Math.Max(model.Counters - 1, 0));
            next = (previous & ~MdcrBits.HpmnMask) | ((uint)(other >= hpmn ? other + 1 : other) & MdcrBits.HpmnMask);
        }
        else
        {
            next = previous ^ bits;
        }
        Emit(new WriteStep(v, Register.MdcrEl2, next));
    }

    private ulong MdcrValue(int hpmn) =>
        (uint)hpmn
        | (choices.Chance(70) ? MdcrBits.Hpme : 0)
        | (choices.Chance(30) ? MdcrBits.Hpmd : 0)
        | (choices.Chance(30) ? MdcrBits.Hlp : 0);

    /// <summary>
    /// A guest hypervisor keeps counters HPMN..N-1 for itself and counts SW_INCR on one of them;
    /// its guest (outside vEL2) then writes PMSWINC with that counter's bit, which must not count it.
    /// </summary>
    private void HypSwincFromOutside(int v)
    {
        var counters = model.Counters;
        if (counters == 0)
        {
            Emit(new SwincStep(v, choices.Bits()));
            return;
        }
        if (!History.InHyp(v))
        {
            Emit(new EnterHypStep(v));
        }
        var hpmn = choices.Between(0, counters - 1);
        Emit(new WriteStep(v, Register.MdcrEl2, MdcrValue(hpmn) | (choices.Chance(80) ? MdcrBits.Hpme : 0)));
        var hyp = choices.Between(hpmn, counters - 1);
        if (choices.Chance(80))
        {
            Emit(new WriteStep(v, Register.Pmevtyper(hyp), Events.SwIncr));
            Emit(new WriteStep(v, Register.PmcntenSet, 1UL << hyp));
            Emit(new WriteStep(v, Register.Pmcr, PmcrBits.E));
        }
        Emit(new ExitHypStep(v));
        var mask = (1UL << hyp) | (choices.Chance(30) ? RegisterReach.HypCounterMask(0, counters) : 0);
        Emit(new SwincStep(v, mask));
        if (choices.Chance(60))
        {
            Emit(new EnterHypStep(v));
            Emit(new ReadStep(v, Register.Pmevcntr(hyp)));
        }
    }
}
