using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties.Language;

/// <summary>
/// What a target declares by default (exact comparison, one scenario at a time), the exact
/// comparison itself, the not-runnable status of an execution, and the one guarded step.
/// </summary>
public sealed class TargetComparisonTests
{
    private static readonly Scenario Scenario = ScenarioParser.Parse(
        "profile 7.2\nhost qemu-max\ninit -> ok\nrun -> ok\nwrite pmcr 1 -> ok\nread pmcr -> 0x41013001\n", "s.pmu");

    private static Execution Transcript(params Outcome[] outcomes) => new(outcomes);

    [Fact]
    public void The_model_and_the_emulator_are_compared_exactly_one_scenario_at_a_time()
    {
        foreach (ITarget target in new ITarget[] { new ModelTarget(), new EmulatorTarget() })
        {
            target.Comparison.IsExact.ShouldBeTrue();
            target.PreferredBatchSize.ShouldBe(1);
            target.Batches.ShouldBeEmpty();
        }
    }

    [Fact]
    public void Exact_comparison_reports_the_first_difference_only_with_its_line()
    {
        var model = new ModelTarget().Execute(Scenario);
        var same = ExactComparison.Instance.AgainstModel(Scenario, model, model);
        same.Agrees.ShouldBeTrue();
        same.Checked.ShouldBe(4);

        var other = Transcript(Outcome.Ok, Outcome.Error(Errno.EINVAL), Outcome.Undef, Outcome.Of(0));
        var result = ExactComparison.Instance.AgainstModel(Scenario, model, other);
        var mismatch = result.Mismatches.ShouldHaveSingleItem();
        mismatch.StepIndex.ShouldBe(1);
        mismatch.Line.ShouldBe(Scenario.Steps[1].Line);
        mismatch.Expected.ShouldBe("ok");
        mismatch.Actual.ShouldBe("EINVAL");
    }

    [Fact]
    public void Exact_comparison_takes_a_scenario_error_for_a_difference_where_it_stopped()
    {
        var model = new ModelTarget().Execute(Scenario);
        var stopped = new Execution([Outcome.Ok], new ScenarioException("s.pmu", 4, "broken"));

        var mismatch = ExactComparison.Instance.AgainstModel(Scenario, model, stopped).Mismatches.ShouldHaveSingleItem();

        mismatch.StepIndex.ShouldBe(1);
        mismatch.Actual.ShouldBe("scenario error: broken");
    }

    [Fact]
    public void Exact_comparison_against_expectations_is_the_file_check()
    {
        var wrong = Transcript(Outcome.Ok, Outcome.Ok, Outcome.Ok, Outcome.Of(0x41013000));
        var result = ExactComparison.Instance.AgainstExpectations(Scenario, wrong);
        result.Mismatches.ShouldBe(ExpectationCheck.Mismatches(Scenario, wrong));
        result.Checked.ShouldBe(4);
    }

    [Fact]
    public void Not_runnable_is_a_status_that_still_stops_as_an_error()
    {
        var refused = Execution.NotRunnable(Scenario, "no such host here");
        refused.Status.ShouldBe(ExecutionStatus.NotRunnable);
        refused.NotRunnableReason.ShouldBe("no such host here");
        refused.Error.ShouldNotBeNull().Message.ShouldBe("s.pmu: not runnable here: no such host here");
        refused.Outcomes.ShouldBeEmpty();

        new ModelTarget().Execute(Scenario).Status.ShouldBe(ExecutionStatus.Completed);
        var stopped = new Execution([], new ScenarioException("s.pmu", 3, "vcpu 0 has not run"));
        stopped.Status.ShouldBe(ExecutionStatus.ScenarioError);
        stopped.NotRunnableReason.ShouldBeNull();
    }

    [Fact]
    public void A_guarded_vm_refuses_what_makes_no_sense_and_remembers_what_a_step_changed()
    {
        var setup = Scenario.Setup;
        var vm = new GuardedVm(new ModelVm(setup, new RuleTrace()), setup);
        var read = new ReadStep(0, Register.Pmcr);

        vm.WhyImpossible(read).ShouldNotBeNull().ShouldContain("has not run");
        vm.Apply(new InitStep(0)).ShouldBe(Outcome.Ok);
        vm.Apply(new RunStep(0)).ShouldBe(Outcome.Ok);
        vm.WhyImpossible(read).ShouldBeNull();
        vm.Preconditions.HasRun(0).ShouldBeTrue();
    }
}
