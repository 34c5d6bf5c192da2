using System.Globalization;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>
/// Compares a real kernel's transcript with the reference model's (scenario-language.md,
/// "Outcomes"). Errno, PMCEID, register read-back, SW_INCR and CHAIN counters and overflow bits are
/// compared exactly. A counter that can count the probe's own instructions (it is backed,
/// enabled, counts at the EL the probe's guest code runs at for that step (EL1, vEL2, EL0) and selects INST_RETIRED or CPU_CYCLES) is compared as "advanced since it
/// was last written"; overflow bits and CHAIN neighbours it might have disturbed, and the interrupt
/// line then, are not checked and are listed as such.
/// </summary>
public static class KernelProjection
{
    /// <summary>A counter closer than this to its overflow may have wrapped from the probe's own instructions.</summary>
    private const ulong OverflowMargin = 1UL << 24;

    private enum Knowledge
    {
        /// <summary>The kernel's value must equal the model's.</summary>
        Exact,

        /// <summary>The counter counted the probe's instructions: it must differ from its last known value.</summary>
        Advancing,

        /// <summary>Not checkable, for the reason in <see cref="VcpuKnowledge.Why"/>.</summary>
        Unknown,

        /// <summary>
        /// The counter counted the probe's instructions, has stopped since (the model says nothing
        /// it counts happens) and a read showed the kernel's value: until it counts again or is
        /// written, every read must show that value again.
        /// </summary>
        Pinned,
    }

    private const string ChainReason = "CHAIN neighbour of a counter that may have overflowed from the probe's own instructions";

    /// <summary>
    /// A hardware-counted counter a few events before its overflow gets a perf sample period that
    /// small; under QEMU such counters were seen not to count at all (docs/open-findings.md O1, seed
    /// 0x9b): until that is settled they are not checked.
    /// </summary>
    private const ulong TinyPeriod = 4;

    private const string RestoredWhileCountingReason = "counter restored by set-reg while it counts: exact or advanced depending on whether guest code ran since";

    private const string TinyPeriodReason = "hardware-counted counter within 4 events of its overflow: tiny perf sample period (docs/open-findings.md O1)";

    private sealed class VcpuKnowledge
    {
        public readonly Knowledge[] State = new Knowledge[32];
        public readonly ulong[] LastKnown = new ulong[32];

        /// <summary>The model's value of a <see cref="Knowledge.Pinned"/> counter when it was pinned.</summary>
        public readonly ulong[] PinnedModelValue = new ulong[32];

        /// <summary>The step whose read pinned a <see cref="Knowledge.Pinned"/> counter (its CHECK form is <c>=step</c>).</summary>
        public readonly int[] PinnedBy = new int[32];
        public readonly string[] Why = new string[32];
        /// <summary>Overflow bits the kernel may have set where the model did not, for good (sticky).</summary>
        public ulong UncertainOverflow;

        /// <summary>
        /// Counters whose next overflow lies within the probe's overhead now: the kernel's value may
        /// already have passed it. Recomputed after every step; the model catches up when it wraps.
        /// </summary>
        public ulong NearWrap;

        public ulong UncertainNow => UncertainOverflow | NearWrap;
    }

    /// <summary>
    /// Compares the kernel's transcript with the model running the scenario's set-up (its
    /// deviations included). With <paramref name="fileExpectations"/>, a step that carries a
    /// <c>-&gt;</c> expectation is judged against it instead of the model's value (the model still
    /// tracks which counters the probe's own instructions can move).
    /// </summary>
    public static ComparisonResult Compare(Scenario scenario, Execution kernel, string targetName, bool fileExpectations = false) =>
        Compare(scenario, kernel, targetName, fileExpectations, plan: null);

    /// <summary>
    /// What the projection would accept from a kernel for each step of the scenario, as the probe's
    /// CHECK expectations (probe/check.c): <c>ok</c>, <c>E&lt;ERRNO&gt;</c>, <c>undef</c>,
    /// <c>0x&lt;v&gt;</c>, <c>0x&lt;v&gt;/0x&lt;mask&gt;</c> or <c>!0x&lt;v&gt;</c> (advanced). Steps the projection
    /// cannot check are left out. The model's own transcript stands in for the kernel's: what is
    /// known of each counter depends on the model alone.
    /// </summary>
    public static IReadOnlyList<ProbeExpectation> Expectations(Scenario scenario)
    {
        var plan = new List<ProbeExpectation>();
        Compare(scenario, new ReferenceModel.ModelTarget().Execute(scenario), "model", fileExpectations: false, plan);
        return plan;
    }

    private static ComparisonResult Compare(Scenario scenario, Execution kernel, string targetName, bool fileExpectations, List<ProbeExpectation>? plan)
    {
        var mismatches = new List<Mismatch>();
        var notChecked = new List<UncheckedStep>();
        var checkedCount = 0;
        var model = new ModelVm(scenario.Setup, new RuleTrace());
        var stepper = new GuardedVm(model, scenario.Setup);
        var knowledge = Enumerable.Range(0, scenario.Setup.Vm.Vcpus).Select(_ => new VcpuKnowledge()).ToArray();
        var margin = OverflowMargin + (4 * scenario.Steps.Select(s => s.Step).OfType<EventsStep>().Aggregate(0UL, (sum, e) => sum + e.Count));
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var scenarioStep = scenario.Steps[i];
            var step = scenarioStep.Step;
            if (i >= kernel.Outcomes.Count || stepper.WhyImpossible(step) is not null)
            {
                notChecked.Add(new UncheckedStep(i, scenarioStep.Line, i >= kernel.Outcomes.Count ? "the kernel did not reach this step" : "scenario error on the model"));
                continue;
            }
            var vcpu = model.Vcpu(step.Vcpu);
            var known = knowledge[step.Vcpu];
            var counterRead = CounterOf(step, vcpu);
            var nearBefore = known.NearWrap;
            var pinnable = step is ReadStep && counterRead >= 0 && known.State[counterRead] is Knowledge.Advancing or Knowledge.Pinned;
            var probeEls = ProbeEls(step, vcpu);
            var modelOutcome = stepper.Apply(step);
            var expected = fileExpectations && scenarioStep.Expected is { } written ? written : modelOutcome;
            var actual = kernel.Outcomes[i];
            if (step is ResetStep && modelOutcome.Kind == OutcomeKind.Ok)
            {
                // L4: every register is back at its reset value and PMCR.E is clear: nothing counts.
                // KD13 (7.2): the counters' perf events survive the reset, so a counter that counted
                // since it was last written shows its reset value plus what its event counted (also a
                // disabled one), and one whose event still counts keeps advancing: both are known
                // only to have advanced (kernel oracle, generated seed 0x70).
                var before = known;
                var eventsSurvive = scenario.Setup.Deviations.Contains(DeviationSwitches.ResetKeepsCounting);
                knowledge[step.Vcpu] = known = new VcpuKnowledge();
                foreach (var c in Enumerable.Range(0, model.Counters).Append(Register.CycleCounter))
                {
                    if (eventsSurvive && before.State[c] == Knowledge.Unknown)
                    {
                        known.State[c] = Knowledge.Unknown;
                        known.Why[c] = before.Why[c];
                        continue;
                    }
                    var counted = eventsSurvive && before.State[c] is Knowledge.Advancing or Knowledge.Pinned;
                    if (counted || ProbeBatch.LoopEvents.Any(e => vcpu.Counter(c).CountsHardwareEvent(e, GuestEl.El1)))
                    {
                        known.State[c] = Knowledge.Advancing;
                        known.LastKnown[c] = vcpu.Counter(c).Value;
                    }
                }
            }
            var verdict = fileExpectations && scenarioStep.Expected is null ? null
                : Judge(step, counterRead, expected, actual, known, InterruptEnables(step, vcpu));
            if (plan is not null && verdict is { Reason: null, Check: { } check })
            {
                plan.Add(new ProbeExpectation(i, scenarioStep.Line, check));
            }
            switch (verdict)
            {
                case null:
                    break;
                case { Reason: { } reason }:
                    notChecked.Add(new UncheckedStep(i, scenarioStep.Line, reason));
                    break;
                case { Agrees: true }:
                    checkedCount++;
                    break;
                default:
                    checkedCount++;
                    mismatches.Add(new Mismatch(scenario.Source, scenarioStep.Line, i, verdict.Expected, $"{actual} on {targetName}"));
                    break;
            }
            if (step is GuestStep or RunStep or SetRegStep && modelOutcome.Kind != OutcomeKind.Errno)
            {
                var live = Track(step, counterRead, vcpu, known, model, margin, nearBefore, probeEls);
                // Also when the read disagreed (that is reported already): the kernel's value is what later reads are held to.
                if (pinnable && verdict is { Reason: null } && actual.Kind == OutcomeKind.Value
                    && (live & (1UL << counterRead)) == 0 && known.State[counterRead] is Knowledge.Advancing or Knowledge.Pinned)
                {
                    // A stopped counter keeps the value the kernel just showed (docs/open-findings.md O7).
                    known.State[counterRead] = Knowledge.Pinned;
                    known.LastKnown[counterRead] = actual.Value;
                    known.PinnedModelValue[counterRead] = vcpu.Counter(counterRead).Value;
                    known.PinnedBy[counterRead] = i;
                }
            }
        }
        return new ComparisonResult(mismatches, notChecked, checkedCount);
    }

    /// <param name="Check">The same judgement as a probe CHECK expectation (see <see cref="Expectations"/>).</param>
    private sealed record Verdict(bool Agrees, string Expected, string? Reason = null, string? Check = null);

    /// <summary>The counter a read or write of a counter value register names, or -1.</summary>
    private static int CounterOf(Step step, ModelVcpu vcpu) => RegisterOf(step)?.Kind switch
    {
        RegisterKind.Pmevcntr => RegisterOf(step)!.Value.Index,
        RegisterKind.Pmccntr => Register.CycleCounter,
        RegisterKind.Pmxevcntr => vcpu.SelectedCounter,
        _ => -1,
    };

    private static Register? RegisterOf(Step step) => step switch
    {
        ReadStep r => r.Register,
        WriteStep w => w.Register,
        GetRegStep g => g.Register,
        SetRegStep s => s.Register,
        _ => null,
    };

    /// <summary>PMINTENSET as the model holds it, for judging a read of the interrupt line (else 0).</summary>
    private static ulong InterruptEnables(Step step, ModelVcpu vcpu) =>
        step is ReadStep { Register.Kind: RegisterKind.Irq } ? vcpu.InterruptEnables : 0;

    private static Verdict? Judge(Step step, int counter, Outcome expected, Outcome actual, VcpuKnowledge known, ulong interruptEnables)
    {
        if (step.Yields == StepYield.Nothing)
        {
            return null;
        }
        var read = step switch
        {
            ReadStep r => r.Register,
            GetRegStep g => g.Register,
            _ => (Register?)null,
        };
        if (read is null || expected.Kind != OutcomeKind.Value || actual.Kind != OutcomeKind.Value)
        {
            return new Verdict(expected == actual, expected.ToString(), Check: expected.ToString());
        }
        if (counter >= 0)
        {
            return known.State[counter] switch
            {
                Knowledge.Exact => new Verdict(expected == actual, expected.ToString(), Check: expected.ToString()),
                Knowledge.Advancing => new Verdict(actual.Value != known.LastKnown[counter], $"a value advanced from {Numbers.Hex(known.LastKnown[counter])} (model: {expected})",
                    Check: "!" + Numbers.Hex(known.LastKnown[counter])),
                // The value is the kernel's own, unknown before the run: the CHECK form names the step that read it.
                Knowledge.Pinned => new Verdict(actual.Value == known.LastKnown[counter],
                    $"{Numbers.Hex(known.LastKnown[counter])}, the value the kernel showed last: the counter has counted nothing since (model: {expected})",
                    Check: "=" + known.PinnedBy[counter].ToString(CultureInfo.InvariantCulture)),
                _ => new Verdict(false, "", known.Why[counter]),
            };
        }
        switch (read.Value.Kind)
        {
            case RegisterKind.PmovsSet or RegisterKind.PmovsClr:
                var certain = ~known.UncertainNow;
                return new Verdict((expected.Value & certain) == (actual.Value & certain),
                    known.UncertainNow == 0 ? expected.ToString() : $"{Numbers.Hex(expected.Value & certain)} outside the bits {Numbers.Hex(known.UncertainNow)}",
                    Check: known.UncertainNow == 0 ? expected.ToString() : $"{Numbers.Hex(expected.Value & certain)}/{Numbers.Hex(certain)}");
            case RegisterKind.Irq when expected.Value == 0 && (known.UncertainNow & interruptEnables) != 0:
                // The kernel's overflow bits are the model's plus, perhaps, some uncertain ones: a high
                // line stays high, a low one may rise only through an uncertain bit whose interrupt is enabled.
                return new Verdict(false, "", "interrupt line while a counter with its interrupt enabled may have overflowed from the probe's own instructions");
            case RegisterKind.IdAa64dfr0:
                // Only the PMUVer field (bits 11:8) is modelled.
                var field = (actual.Value >> 8) & 0xF;
                return new Verdict(Outcome.Of(field << 8) == expected, expected.ToString(), Check: $"{expected}/0xf00");
            default:
                return new Verdict(expected == actual, expected.ToString(), Check: expected.ToString());
        }
    }

    /// <summary>
    /// The guest exception levels at which the probe's own instructions run for a step (C4, N2): its
    /// interpreter runs at EL1, or at vEL2 in the hyp context; <c>events ... at el0</c> runs a loop at
    /// EL0 and returns through EL1 (and vEL2 by HVC when it started there); entering and leaving the
    /// hyp context runs instructions at both vEL1 and vEL2.
    /// </summary>
    private static GuestEl[] ProbeEls(Step step, ModelVcpu vcpu)
    {
        var context = vcpu.InHypContext ? GuestEl.El2 : GuestEl.El1;
        return step switch
        {
            EventsStep { El: GuestEl.El0 } => vcpu.InHypContext ? [GuestEl.El0, GuestEl.El1, GuestEl.El2] : [GuestEl.El0, GuestEl.El1],
            EnterHypStep or ExitHypStep => [GuestEl.El1, GuestEl.El2],
            _ => [context],
        };
    }

    /// <summary>
    /// Updates what can be known of each counter after the vCPU ran guest code for this step. The
    /// kernel's value of a counting counter is the model's plus the probe's own instructions, at
    /// most <paramref name="margin"/>: so it may have wrapped once more than the model's exactly
    /// when the model's next overflow (at the width the model says is in force, deviations
    /// included) is that close. Such a wrap becomes permanent uncertainty only when the counter is
    /// rewritten or stops counting before the model wraps too (<paramref name="nearBefore"/>: the
    /// counters that were that close before the step).
    /// </summary>
    /// <returns>The counters the probe's own instructions in this step could advance (bit 31: the cycle counter).</returns>
    private static ulong Track(Step step, int writtenCounter, ModelVcpu vcpu, VcpuKnowledge known, ModelVm model, ulong margin, ulong nearBefore, GuestEl[] probeEls)
    {
        ulong liveMask = 0;
        var resetByPmcr = step is WriteStep { Register.Kind: RegisterKind.Pmcr } pmcrWrite ? pmcrWrite.Value : 0;
        known.NearWrap = 0;
        var written0 = step is WriteStep or SetRegStep;
        foreach (var c in Enumerable.Range(0, model.Counters).Append(Register.CycleCounter))
        {
            var live = ProbeBatch.LoopEvents.Any(e => probeEls.Any(el => vcpu.Counter(c).CountsHardwareEvent(e, el)));
            liveMask |= live ? 1UL << c : 0;
            if (known.State[c] == Knowledge.Pinned && vcpu.Counter(c).Value != known.PinnedModelValue[c])
            {
                // SW_INCR or a CHAIN overflow moved it: the kernel's value moved too, by the same
                // steps from its own starting point, which may wrap where the model's does not.
                known.State[c] = Knowledge.Advancing;
            }
            var written = (written0 && c == writtenCounter)
                || (c == Register.CycleCounter ? (resetByPmcr & 0x4) != 0 : (resetByPmcr & 0x2) != 0);
            if ((nearBefore & (1UL << c)) != 0 && (written || !live))
            {
                MayHaveWrapped(c, vcpu, known);
            }
            if (written)
            {
                // A guest write runs guest code after it; a userspace write does not (V2): the counter
                // advances only once guest code runs while it is live.
                known.State[c] = live && step is not SetRegStep ? Knowledge.Advancing : Knowledge.Exact;
                known.LastKnown[c] = vcpu.Counter(c).Value;
                if (live && step is SetRegStep)
                {
                    // Exact until guest code runs, then advancing: whether the next read of it comes
                    // before or after some guest code is not tracked (open-findings.md O5).
                    known.State[c] = Knowledge.Unknown;
                    known.Why[c] = RestoredWhileCountingReason;
                }
            }
            else if (live && known.State[c] == Knowledge.Exact && step is not SetRegStep)
            {
                known.State[c] = Knowledge.Advancing;
                known.LastKnown[c] = vcpu.Counter(c).Value;
            }
            else if (live && known.State[c] == Knowledge.Pinned && step is not SetRegStep)
            {
                known.State[c] = Knowledge.Advancing; // from the kernel's value, kept in LastKnown
            }
            else if (live && known.State[c] == Knowledge.Unknown && known.Why[c] == RestoredWhileCountingReason && step is EventsStep)
            {
                // The probe's loop has run since the restore: the counter has advanced from the
                // restored value. Not after any guest step: the restore reloads the PMU at the next
                // entry, and a read right after it may find nothing counted yet (generated seed 0x442,
                // seed 0x77 on qemu-a57: PMCCNTR read its restored value after 'read irq').
                known.State[c] = Knowledge.Advancing;
            }
            if (live && known.State[c] == Knowledge.Advancing && vcpu.Counter(c).DistanceToOverflow <= TinyPeriod)
            {
                known.State[c] = Knowledge.Unknown;
                known.Why[c] = TinyPeriodReason;
                MayHaveWrapped(c, vcpu, known);
            }
            if (step is WriteStep { Register.Kind: RegisterKind.PmovsClr } clear && (clear.Value & (1UL << c)) != 0
                && (nearBefore & (1UL << c)) != 0)
            {
                // The kernel may have wrapped already and this clears that; the model's own wrap,
                // still ahead, may then never happen on the kernel.
                MayHaveWrapped(c, vcpu, known);
            }
            else if (step is WriteStep { Register.Kind: RegisterKind.PmovsClr or RegisterKind.PmovsSet } ovs && !live)
            {
                known.UncertainOverflow &= ~(ovs.Value & (1UL << c));
            }
            if (step is SetRegStep { Register.Kind: RegisterKind.PmovsClr or RegisterKind.PmovsSet } && !live)
            {
                known.UncertainOverflow &= ~(1UL << c); // V2: either encoding restores every bit
            }
            var mayBeCounting = known.State[c] == Knowledge.Advancing
                || (known.State[c] == Knowledge.Unknown && known.Why[c] == RestoredWhileCountingReason);
            if (mayBeCounting && live && vcpu.Counter(c).DistanceToOverflow <= margin)
            {
                known.NearWrap |= 1UL << c;
                MayHaveFedChain(c, vcpu, known);
            }
        }
        return liveMask;
    }

    /// <summary>The kernel may have set counter <paramref name="c"/>'s overflow bit (and fed its CHAIN neighbour) where the model never will.</summary>
    private static void MayHaveWrapped(int c, ModelVcpu vcpu, VcpuKnowledge known)
    {
        known.UncertainOverflow |= 1UL << c;
        MayHaveFedChain(c, vcpu, known);
    }

    /// <summary>C7: an extra wrap of counter <paramref name="c"/> would have incremented its CHAIN neighbour already.</summary>
    private static void MayHaveFedChain(int c, ModelVcpu vcpu, VcpuKnowledge known)
    {
        if (vcpu.Counter(c).FeedsChain)
        {
            known.State[c + 1] = Knowledge.Unknown;
            known.Why[c + 1] = ChainReason;
            known.UncertainOverflow |= 1UL << (c + 1);
        }
    }
}

/// <summary>One step's expectation in the probe's CHECK form (probe/check.c), from <see cref="KernelProjection.Expectations"/>.</summary>
public sealed record ProbeExpectation(int StepIndex, int Line, string Check);
