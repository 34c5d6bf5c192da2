using PmuConformance.KernelOracle;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Deviations;

/// <summary>
/// The kernel oracle's verdicts (behaviour.md section 13): a kernel transcript is judged against the
/// intended model and the deviations expected of the kernel. Here the "kernel" is the model itself
/// with or without a deviation, so each verdict is known in advance.
/// </summary>
public sealed class DeviationJudgeTests
{
    private const string SetNrCountersAfterRun = """
        profile 7.2
        vm vcpus=2
        init                   -> ok
        run                    -> ok
        vcpu 1: set-nr-counters 3
        read pmcr
        read pmevcntr5
        """;

    private static readonly DeviationSet Kd1 = new(["KD1"]);

    private static Scenario Parse(string text) => ScenarioParser.Parse(text, "<judge>");

    /// <summary>What a kernel showing exactly <paramref name="deviations"/> would report.</summary>
    private static Execution KernelShowing(Scenario scenario, DeviationSet deviations) =>
        new ModelTarget().Execute(scenario with { Setup = scenario.Setup with { Deviations = deviations } });

    [Fact]
    public void A_kernel_that_shows_an_expected_deviation_agrees_and_is_said_to_show_it()
    {
        var scenario = Parse(SetNrCountersAfterRun);
        var verdict = DeviationJudge.Judge(scenario, KernelShowing(scenario, Kd1), Kd1, "kernel:test");
        verdict.Mismatches.ShouldBeEmpty();
        verdict.Shows.ShouldBe(Kd1);
        verdict.NoLongerShows.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_kernel_that_fixed_an_expected_deviation_is_reported_not_failed()
    {
        var scenario = Parse(SetNrCountersAfterRun);
        var verdict = DeviationJudge.Judge(scenario, KernelShowing(scenario, DeviationSet.None), Kd1, "kernel:test");
        verdict.Mismatches.ShouldBeEmpty();
        verdict.Shows.IsEmpty.ShouldBeTrue();
        verdict.NoLongerShows.ShouldBe(Kd1);
    }

    [Fact]
    public void An_unexpected_deviation_is_a_new_disagreement()
    {
        // The ledger expects nothing of this kernel: KD1's behaviour is not explained.
        var scenario = Parse(SetNrCountersAfterRun);
        var verdict = DeviationJudge.Judge(scenario, KernelShowing(scenario, Kd1), DeviationSet.None, "kernel:test");
        verdict.Mismatches.ShouldNotBeEmpty();
    }

    [Fact]
    public void A_scenario_that_does_not_exercise_a_deviation_neither_shows_it_nor_loses_it()
    {
        var scenario = Parse("profile 7.2\ninit -> ok\nrun -> ok\nread pmcr\n");
        var verdict = DeviationJudge.Judge(scenario, KernelShowing(scenario, DeviationSet.None), Kd1, "kernel:test");
        verdict.Mismatches.ShouldBeEmpty();
        verdict.Shows.IsEmpty.ShouldBeTrue();
        verdict.NoLongerShows.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_transcript_no_deviation_explains_is_a_mismatch_at_its_line()
    {
        var scenario = Parse(SetNrCountersAfterRun);
        var honest = KernelShowing(scenario, Kd1);
        var outcomes = honest.Outcomes.ToList();
        outcomes[3] = Outcome.Of(0x1234); // read pmcr: neither the intent (0x3000) nor KD1 (0x1800)
        var verdict = DeviationJudge.Judge(scenario, new Execution(outcomes), Kd1, "kernel:test");
        verdict.Mismatches.Select(m => m.StepIndex).ShouldContain(3);
    }
}
