using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties.Emulator;

public class EmulatorTests
{
    private const int RandomScenarios = 3000;

    [Fact]
    public void Emulator_and_model_transcripts_agree_on_random_7_2_scenarios()
    {
        var divergence = Differential.FirstDivergence(new EmulatorTarget(), firstSeed: 0, count: RandomScenarios);
        divergence.ShouldBeNull(divergence?.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void The_differential_test_catches_each_section_11_defect(int defect)
    {
        var divergence = Differential.FirstDivergence(SectionElevenMutants.Create(defect), firstSeed: 0, count: RandomScenarios);
        divergence.ShouldNotBeNull($"a policy with section 11 defect {defect} agreed with the model on {RandomScenarios} scenarios");
    }

    public static TheoryData<int> Defects => [1, 2, 3, 4, 5, 6];

    [Theory]
    [MemberData(nameof(Defects))]
    public void The_model_meets_each_section_11_scenario(int defect) =>
        Mismatches(new ModelTarget(), defect).ShouldBeEmpty();

    [Theory]
    [MemberData(nameof(Defects))]
    public void The_emulator_shows_none_of_the_section_11_defects(int defect) =>
        Mismatches(new EmulatorTarget(), defect).ShouldBeEmpty();

    [Theory]
    [MemberData(nameof(Defects))]
    public void Each_section_11_scenario_catches_its_defect(int defect) =>
        Mismatches(SectionElevenMutants.Create(defect), defect).ShouldNotBeEmpty();

    [Theory]
    [InlineData("6.1")]
    [InlineData("6.12")]
    public void Other_profiles_are_refused_with_a_reason(string profile)
    {
        var scenario = ScenarioParser.Parse($"profile {profile}\ninit -> ok\n", "refused.pmu");
        var target = new EmulatorTarget();
        target.WhyNotRunnable(scenario.Setup).ShouldNotBeNull().ShouldContain("7.2");
        target.Execute(scenario).Error.ShouldNotBeNull().Message.ShouldContain("emulator");
    }

    [Fact]
    public void Profile_7_2_is_runnable_and_the_name_is_emulator()
    {
        var target = new EmulatorTarget();
        target.Name.ShouldBe("emulator");
        target.WhyNotRunnable(Setup.Default).ShouldBeNull();
    }

    [Fact]
    public void Counts_survive_put_and_load()
    {
        var scenario = ScenarioParser.Parse("""
            init                        -> ok
            run                         -> ok
            write pmccntr 0             -> ok
            write pmcntenset 0x80000000 -> ok
            write pmcr 0x1              -> ok
            events cpu_cycles 5 at el1
            put
            load
            events cpu_cycles 5 at el1
            read pmccntr                -> 0xa
            """, "put-load.pmu");
        ExpectationCheck.Mismatches(scenario, new EmulatorTarget().Execute(scenario)).ShouldBeEmpty();
    }

    /// <summary>Issue 3: no allocation on the event, read/write or SW_INCR paths (an allocation count, not a timing).</summary>
    [Fact]
    public void Event_register_and_swinc_paths_do_not_allocate()
    {
        var vm = new EmulatorVm<CorrectPolicy>(Setup.Default);
        foreach (var step in ScenarioParser.Parse("""
            filter deny 0x24 1
            init
            run
            write pmevtyper0 0x11
            write pmevtyper1 0x8
            write pmevtyper2 0x0
            write pmcntenset 0x80000007
            write pmcr 0x1
            """).Steps)
        {
            vm.Apply(step.Step);
        }
        Step[] hot =
        [
            new EventsStep(0, Events.CpuCycles, 3, GuestEl.El1), new EventsStep(0, Events.InstRetired, 0xFFFFFFFF, GuestEl.El0),
            new WriteStep(0, new Register(RegisterKind.Pmevtyper, 1), 0x24), new ReadStep(0, Register.Pmccntr),
            new SwincStep(0, 0x4), new WriteStep(0, Register.Pmcr, 0x1), new ReadStep(0, Register.Irq),
        ];
        foreach (var step in hot)
        {
            vm.Apply(step); // first use: JIT and statics
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            foreach (var step in hot)
            {
                vm.Apply(step);
            }
        }
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    private static IReadOnlyList<Mismatch> Mismatches(ITarget target, int defect)
    {
        var text = SectionElevenScenarios.All.Single(s => s.Defect == defect).Text;
        var scenario = ScenarioParser.Parse(text, $"section-11-defect-{defect}.pmu");
        var execution = target.Execute(scenario);
        execution.Error.ShouldBeNull();
        return ExpectationCheck.Mismatches(scenario, execution);
    }
}
