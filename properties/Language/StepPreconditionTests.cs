using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Language;

/// <summary>
/// Steps that make no sense at their point of the scenario are scenario errors (Execution.Error)
/// at their own line, reported by every simulating target through StepPreconditions; the steps
/// before them still have their outcomes.
/// </summary>
public sealed class StepPreconditionTests
{
    private const string Nested = "profile 7.2\nvm nested=on el2=on\n";

    [Theory]
    [InlineData("write pmcr 1", 1, "vcpu 0 has not run")]
    [InlineData("init\nread pmcr", 2, "has not run")]
    [InlineData("swinc 1", 1, "has not run")]
    [InlineData("put", 1, "has not run")]
    [InlineData("run -> EINVAL\nread pmcr", 2, "has not run")]
    [InlineData("vm vcpus=2\ninit\nrun\nvcpu 1: read pmcr", 4, "vcpu 1 has not run")]
    [InlineData("init\nrun\nput\nput", 4, "vcpu 0 is already put")]
    [InlineData("init\nrun\nload", 3, "vcpu 0 is already loaded")]
    [InlineData("init\nrun\nput\nread pmcr", 4, "vcpu 0 is put")]
    [InlineData("init\nrun\nput\nevents cpu_cycles 1 at el0", 4, "is put")]
    [InlineData(Nested + "init\nrun\nevents cpu_cycles 1 at el1", 5, "events at el1 happen outside the hyp context")]
    [InlineData(Nested + "init\nrun\nexit-hyp\nevents cpu_cycles 1 at el2", 6, "events at el2 need the hyp context")]
    [InlineData(Nested + "init\nrun\nexit-hyp\nread mdcr_el2", 6, "mdcr_el2 is accessible at vEL2 only")]
    [InlineData(Nested + "init\nrun\nexit-hyp\nwrite mdcr_el2 0", 6, "mdcr_el2 is accessible at vEL2 only")]
    [InlineData(Nested + "init\nrun\nenter-hyp", 5, "already in its hyp context")]
    [InlineData(Nested + "init\nrun\nexit-hyp\nexit-hyp", 6, "is not in its hyp context")]
    public void A_step_that_makes_no_sense_is_a_scenario_error_at_its_line(string text, int line, string reason)
    {
        var scenario = ScenarioParser.Parse(text, "pre.pmu");
        var execution = new ModelTarget().Execute(scenario);

        var error = execution.Error.ShouldNotBeNull();
        error.Line.ShouldBe(line);
        error.SourceName.ShouldBe("pre.pmu");
        error.Reason.ShouldContain(reason);

        // Execution stopped at that step: every step before it has an outcome, it has none.
        var failing = scenario.Steps.ToList().FindIndex(s => s.Line == line);
        execution.Outcomes.Count.ShouldBe(failing);
        execution.Describe(failing).ShouldStartWith("scenario error: ");
    }

    [Fact]
    public void Userspace_steps_need_no_run_and_a_later_run_enables_guest_steps()
    {
        var execution = new ModelTarget().Execute(ScenarioParser.Parse("filter allow 0 1\nrun\ninit\nrun\nread pmcr\nput\nrun\nread pmcr"));
        execution.Error.ShouldBeNull();
        execution.Outcomes.Count.ShouldBe(8);
        execution.Outcomes[1].ShouldBe(Outcome.Error(Errno.EINVAL));
    }

    [Fact]
    public void The_preconditions_are_the_same_object_of_truth_for_every_target()
    {
        // StepPreconditions alone, without a target: the first run of a nested VM enters vEL2.
        var setup = ScenarioParser.Parse(Nested).Setup;
        var preconditions = new StepPreconditions(setup);
        preconditions.WhyImpossible(new EventsStep(0, Events.CpuCycles, 1, GuestEl.El2)).ShouldNotBeNull();
        preconditions.Observe(new RunStep(0), Outcome.Ok);
        preconditions.WhyImpossible(new EventsStep(0, Events.CpuCycles, 1, GuestEl.El2)).ShouldBeNull();
        preconditions.WhyImpossible(new ReadStep(3, Register.Pmcr)).ShouldNotBeNull().ShouldContain("vcpu 3 does not exist");
    }
}
