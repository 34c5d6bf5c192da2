using PmuConformance.Checking.Generation;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Shrinking;

/// <summary>
/// Smaller variants of a scenario, most aggressive first, each one valid: drop runs of steps
/// (halves, quarters ... single steps), drop vCPUs and features from the set-up, then simplify
/// single steps (narrow filter ranges, move numbers toward the edges of <see cref="EdgeValues"/>,
/// clear bits, use vCPU 0). FsCheck keeps the first candidate that still fails and asks again,
/// so a counterexample ends as small as these moves can make it.
/// </summary>
public sealed class ScenarioShrinker(ScenarioValidity validity)
{
    public IEnumerable<Scenario> Shrink(Scenario scenario) =>
        Candidates(scenario).Where(c => !c.SameAs(scenario) && validity.IsValid(c));

    private static IEnumerable<Scenario> Candidates(Scenario scenario)
    {
        return DropRuns(scenario).Concat(SimplerSetups(scenario)).Concat(SimplerSteps(scenario));
    }

    /// <summary>Delta debugging: remove n/2, n/4, ... 1 consecutive steps, from the end backwards.</summary>
    private static IEnumerable<Scenario> DropRuns(Scenario scenario)
    {
        var steps = scenario.Steps;
        for (var chunk = Math.Max(1, steps.Count / 2); ; chunk /= 2)
        {
            for (var start = steps.Count - chunk; start >= 0; start -= chunk)
            {
                var kept = steps.Take(start).Concat(steps.Skip(start + chunk)).ToList();
                yield return scenario.WithSteps(kept);
            }
            if (chunk == 1)
            {
                yield break;
            }
        }
    }

    private static IEnumerable<Scenario> SimplerSetups(Scenario scenario)
    {
        var setup = scenario.Setup;
        var vm = setup.Vm;
        for (var v = vm.Vcpus - 1; v >= 0 && vm.Vcpus > 1; v--)
        {
            yield return WithoutVcpu(scenario, v);
        }
        for (var v = vm.Vcpus - 1; v >= 1; v--)
        {
            yield return MergedIntoVcpu0(scenario, v);
        }
        if (vm.Nested)
        {
            yield return WithoutNested(scenario);
        }
        if (vm.El3)
        {
            yield return scenario with { Setup = setup with { Vm = vm with { El3 = false } } };
        }
        if (!vm.El2)
        {
            yield return scenario with { Setup = setup with { Vm = vm with { El2 = true } } };
        }
        if (!vm.Pmu)
        {
            yield return scenario with { Setup = setup with { Vm = vm with { Pmu = true } } };
        }
        var host = setup.Host;
        if (host != HostSpec.QemuMax)
        {
            foreach (var simpler in SimplerHosts(host))
            {
                yield return scenario with { Setup = setup with { Host = simpler } };
            }
        }
        if (setup.Profile != KernelProfiles.Default)
        {
            yield return scenario with { Setup = setup with { Profile = KernelProfiles.Default } };
        }
    }

    private static IEnumerable<HostSpec> SimplerHosts(HostSpec host)
    {
        yield return HostSpec.QemuMax;
        if (host != HostSpec.QemuA57)
        {
            yield return HostSpec.QemuA57;
        }
        var defaults = HostSpec.QemuMax;
        if (host.Pmus != 1)
        {
            yield return host with { Pmus = 1 };
        }
        if (!host.AArch32)
        {
            yield return host with { AArch32 = true };
        }
        if (host.PmcrId != defaults.PmcrId)
        {
            yield return host with { PmcrId = defaults.PmcrId };
        }
        if (host.Pmceid0 != defaults.Pmceid0)
        {
            yield return host with { Pmceid0 = defaults.Pmceid0 };
        }
        if (host.Pmceid1 != defaults.Pmceid1)
        {
            yield return host with { Pmceid1 = defaults.Pmceid1 };
        }
        if (host.Counters != defaults.Counters)
        {
            yield return host with { Counters = defaults.Counters };
        }
        if (host.PmuVer != defaults.PmuVer)
        {
            yield return host with { PmuVer = defaults.PmuVer };
        }
    }

    /// <summary>The scenario without vCPU <paramref name="vcpu"/>: its steps go, higher vCPUs move down.</summary>
    public static Scenario WithoutVcpu(Scenario scenario, int vcpu)
    {
        var steps = scenario.Steps
            .Where(s => s.Step.Vcpu != vcpu)
            .Select(s => s.Step.Vcpu > vcpu ? s with { Step = s.Step with { Vcpu = s.Step.Vcpu - 1 } } : s)
            .ToList();
        var setup = scenario.Setup with { Vm = scenario.Setup.Vm with { Vcpus = scenario.Setup.Vm.Vcpus - 1 } };
        return new Scenario(setup, steps) { Source = scenario.Source, Comments = scenario.Comments };
    }

    /// <summary>The scenario with vCPU <paramref name="vcpu"/>'s steps done through vCPU 0 (and one vCPU fewer).</summary>
    public static Scenario MergedIntoVcpu0(Scenario scenario, int vcpu)
    {
        var moved = scenario.Steps
            .Select(s => s.Step.Vcpu == vcpu ? s with { Step = s.Step with { Vcpu = 0 } } : s)
            .ToList();
        var noStepsLeftOnVcpu = scenario.WithSteps(moved);
        return WithoutVcpu(noStepsLeftOnVcpu, vcpu);
    }

    /// <summary>nested=off: hyp transitions and MDCR_EL2 accesses go, events at el2 happen at el1.</summary>
    private static Scenario WithoutNested(Scenario scenario)
    {
        var steps = scenario.Steps
            .Where(s => s.Step is not (EnterHypStep or ExitHypStep)
                && s.Step is not (ReadStep { Register.Kind: RegisterKind.MdcrEl2 } or WriteStep { Register.Kind: RegisterKind.MdcrEl2 }))
            .Select(s => s.Step is EventsStep { El: GuestEl.El2 } e ? s with { Step = e with { El = GuestEl.El1 } } : s)
            .ToList();
        var setup = scenario.Setup with { Vm = scenario.Setup.Vm with { Nested = false } };
        return new Scenario(setup, steps) { Source = scenario.Source, Comments = scenario.Comments };
    }

    private static IEnumerable<Scenario> SimplerSteps(Scenario scenario)
    {
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var original = scenario.Steps[i];
            foreach (var simpler in SimplerStep(original.Step).Distinct())
            {
                if (simpler != original.Step)
                {
                    var steps = scenario.Steps.ToList();
                    steps[i] = original with { Step = simpler };
                    yield return scenario.WithSteps(steps);
                }
            }
        }
    }

    private static IEnumerable<Step> SimplerStep(Step step)
    {
        if (step.Vcpu != 0)
        {
            yield return step with { Vcpu = 0 };
        }
        switch (step)
        {
            case FilterStep f:
                if (f.Pad != 0)
                {
                    yield return f with { Pad = 0 };
                }
                if (f.Action > FilterStep.Deny && f.Action != 2)
                {
                    yield return f with { Action = 2 };
                }
                foreach (var count in SmallerNumbers(f.Count))
                {
                    yield return f with { Count = (ushort)count };
                }
                foreach (var start in SmallerEvents(f.Base))
                {
                    yield return f with { Base = start };
                }
                break;
            case WriteStep w:
                foreach (var value in SmallerValues(w.Value))
                {
                    yield return w with { Value = value };
                }
                break;
            case SwincStep s:
                foreach (var mask in SmallerValues(s.Mask))
                {
                    yield return s with { Mask = mask };
                }
                break;
            case EventsStep e:
                foreach (var count in SmallerNumbers(e.Count))
                {
                    yield return e with { Count = count };
                }
                foreach (var ev in SmallerEvents(e.Event))
                {
                    yield return e with { Event = ev };
                }
                break;
            case SetNrCountersStep n:
                foreach (var count in SmallerNumbers(n.Count))
                {
                    yield return n with { Count = (uint)count };
                }
                break;
            case AttrStep a when a.Attribute != AttrStep.FirstUnknown:
                yield return a with { Attribute = AttrStep.FirstUnknown };
                break;
            case SetPmuStep p when p.PmuIndex != 0:
                yield return p with { PmuIndex = 0 };
                break;
        }
    }

    /// <summary>0, 1, half, and the number just below: counts and range lengths.</summary>
    private static IEnumerable<ulong> SmallerNumbers(ulong n)
    {
        if (n == 0)
        {
            yield break;
        }
        yield return 0;
        if (n > 1)
        {
            yield return 1;
            yield return n / 2;
            yield return n - 1;
        }
    }

    /// <summary>Toward the nearest named edge below, then halfway to it.</summary>
    private static IEnumerable<ushort> SmallerEvents(ushort e)
    {
        if (e == 0)
        {
            yield break;
        }
        var edge = EdgeValues.NearestEdgeAtOrBelow(e);
        if (edge != e)
        {
            yield return edge;
            yield return (ushort)(edge + ((e - edge) / 2));
        }
        else
        {
            yield return EdgeValues.NearestEdgeAtOrBelow((ushort)(e - 1));
        }
    }

    /// <summary>Register values: 0, fewer bits (high half, high flags, the highest set bit cleared), an edge below.</summary>
    private static IEnumerable<ulong> SmallerValues(ulong value)
    {
        if (value == 0)
        {
            yield break;
        }
        yield return 0;
        if (value > 0xFFFFFFFF)
        {
            yield return value & 0xFFFFFFFF;
        }
        if (value > 0xFFFF)
        {
            yield return value & 0xFFFF;
        }
        yield return value & ~(1UL << (63 - System.Numerics.BitOperations.LeadingZeroCount(value)));
        var edge = EdgeValues.CounterValues.Where(v => v < value).DefaultIfEmpty(0UL).Max();
        yield return edge;
    }
}
