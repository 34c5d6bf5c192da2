using PmuConformance.Checking.Choices;
using PmuConformance.Checking.Coverage;
using PmuConformance.Checking.Generation;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties;

/// <summary>
/// Issue 13's reach rule: every way the guest reaches a counter register, every single-field write
/// of PMCR and MDCR_EL2, and hyp-counter PMSWINC from outside vEL2 are edge classes that the default
/// run (pmuconf check: emulator, profile 7.2) exercises, each in more than 1% of its cases.
/// </summary>
public sealed class ReachCoverageTests
{
    [Fact]
    public void Every_reach_class_is_above_one_percent_of_the_default_runs_cases()
    {
        const int Cases = 4000;
        var options = GeneratorOptions.For(new EmulatorTarget(), KernelProfile.V7_2);
        var counts = RegisterReach.Classes.ToDictionary(c => c, _ => 0);
        for (var i = 0; i < Cases; i++)
        {
            // Sizes sweep 0-100 as the engine's rounds do.
            var (scenario, model) = ScenarioGenerator.GenerateWithModelTranscript(new RandomChoices(0xC0FFEEUL + (ulong)i), options, i % 101);
            foreach (var label in RegisterReach.Of(scenario, model))
            {
                counts[label]++;
            }
        }
        var rare = counts.Where(c => c.Value * 100.0 / Cases <= 1.0).Select(c => $"{c.Key}: {c.Value * 100.0 / Cases:0.00}%").ToList();
        rare.ShouldBeEmpty();
    }

    [Fact]
    public void The_reach_classes_are_key_edge_classes_that_coverage_reports()
    {
        RegisterReach.Classes.ShouldAllBe(c => EdgeClasses.Key.Contains(c));
    }

    [Fact]
    public void Pmxev_registers_are_classified_by_the_selection_in_force()
    {
        var scenario = ScenarioParser.Parse("""
            profile 7.2
            init
            run
            read pmxevtyper
            write pmselr 31
            write pmxevtyper 0
            read pmxevcntr
            write pmselr 2
            write pmxevcntr 5
            """, "reach.pmu");
        var classes = RegisterReach.Of(scenario, new ReferenceModel.ModelTarget().Execute(scenario)).ToHashSet();
        classes.ShouldBe(new HashSet<string>
        {
            RegisterReach.EvtyperIndirect, RegisterReach.CcfiltrIndirect, RegisterReach.XevcntrSel31, RegisterReach.EvcntrIndirect,
        }, ignoreOrder: true);
    }

    [Fact]
    public void A_toggle_is_a_write_that_changes_exactly_one_field_of_the_previous_write()
    {
        var scenario = ScenarioParser.Parse("""
            profile 7.2
            vm vcpus=1 nested=on
            init
            run
            write mdcr_el2 0x86
            write mdcr_el2 0x6
            write mdcr_el2 0x20003
            write pmcr 0x41
            write pmcr 0x49
            write pmcr 0xc9
            """, "toggles.pmu");
        var classes = RegisterReach.Of(scenario, new ReferenceModel.ModelTarget().Execute(scenario)).ToHashSet();
        classes.ShouldContain(RegisterReach.MdcrToggle("HPME"));   // 0x86 -> 0x6
        classes.ShouldNotContain(RegisterReach.MdcrToggle("HPMN")); // 0x6 -> 0x20003 changes HPMN and HPMD
        classes.ShouldNotContain(RegisterReach.MdcrToggle("HPMD"));
        classes.ShouldContain(RegisterReach.PmcrToggle("LP"));      // 0x49 -> 0xc9
        classes.ShouldNotContain(RegisterReach.PmcrToggle("E"));    // 0x41 -> 0x49 changes D, not a listed field alone
    }

    [Fact]
    public void Hyp_counter_swinc_is_classified_only_from_outside_vel2()
    {
        var scenario = ScenarioParser.Parse("""
            profile 7.2
            vm vcpus=1 nested=on
            init
            run
            write mdcr_el2 0x84
            swinc 0x20
            exit-hyp
            swinc 0x8
            swinc 0x20
            """, "hyp-swinc.pmu");
        var execution = new ReferenceModel.ModelTarget().Execute(scenario);
        execution.Error.ShouldBeNull();
        var history = new RegisterHistory(scenario.Setup);
        var hits = new List<bool>();
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            if (scenario.Steps[i].Step is SwincStep s)
            {
                hits.Add(RegisterReach.HitsHypCountersFromOutside(s, history));
            }
            history.Observe(scenario.Steps[i].Step, execution.Outcomes[i]);
        }
        hits.ShouldBe([false, false, true]); // at vEL2; outside but counter 3 < HPMN 4; outside at counter 5
    }
}
