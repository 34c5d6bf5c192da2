using PmuConformance.KernelOracle;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.KernelOracle;

/// <summary>
/// behaviour.md H1: a host kernel splat the probe reports with a scenario (SPLAT lines, probe/hostlog.c)
/// fails that scenario on the kernel, whatever the model says, and shows the splat's first lines.
/// </summary>
public sealed class HostLogTests
{
    private static readonly string[] Lines =
    [
        "INFO kernel 7.2.13+deb14-arm64",
        "R s0 0 ok",
        "R s0 1 ok",
        "DONE s0",
        "SPLAT s0 WARNING: CPU: 0 PID: 1 at arch/arm64/kvm/pmu-emul.c:123 kvm_pmu_create_perf_event+0x44/0x1c0",
        "SPLAT s0 Call trace:",
        "R s1 0 ok",
        "DONE s1",
        "END 2",
    ];

    [Fact]
    public void Splat_lines_belong_to_their_scenario_in_order()
    {
        var (results, _) = ProbeOutput.Parse(Lines);
        results["s0"].Splat.ShouldBe(
        [
            "WARNING: CPU: 0 PID: 1 at arch/arm64/kvm/pmu-emul.c:123 kvm_pmu_create_perf_event+0x44/0x1c0",
            "Call trace:",
        ]);
        results["s0"].Results.Count.ShouldBe(2);
        results["s0"].Done.ShouldBeTrue();
        results["s1"].Splat.ShouldBeEmpty();
    }

    [Fact]
    public void A_splat_fails_a_scenario_the_model_agrees_with()
    {
        var scenario = ScenarioParser.Parse("init -> ok\nrun -> ok\n", "<h1>");
        var agreeing = new ProjectedComparison([], [], Checked: 2);
        var (results, _) = ProbeOutput.Parse(Lines);

        var verdict = HostLog.Verdict(scenario, agreeing, results["s0"].Splat);

        var mismatch = verdict.Mismatches.ShouldHaveSingleItem();
        mismatch.Line.ShouldBe(2);
        mismatch.Expected.ShouldContain("H1");
        mismatch.Actual.ShouldContain("WARNING: CPU: 0 PID: 1 at arch/arm64/kvm/pmu-emul.c:123");
        mismatch.Actual.ShouldContain("Call trace:");
        verdict.Checked.ShouldBe(2);
    }

    [Fact]
    public void A_splat_adds_to_the_disagreements_already_found()
    {
        var scenario = ScenarioParser.Parse("init -> ok\n", "<h1>");
        var earlier = new Mismatch("<h1>", 1, 0, "ok", "EINVAL on kernel");
        var verdict = HostLog.Verdict(scenario, new ProjectedComparison([earlier], [], 1), ["BUG: sleeping function called from invalid context"]);
        verdict.Mismatches.Count.ShouldBe(2);
        verdict.Mismatches[0].ShouldBe(earlier);
    }

    [Fact]
    public void Without_a_splat_the_verdict_is_the_projections()
    {
        var scenario = ScenarioParser.Parse("init -> ok\n", "<h1>");
        var comparison = new ProjectedComparison([], [], 1);
        HostLog.Verdict(scenario, comparison, []).ShouldBeSameAs(comparison);
    }

    [Fact]
    public void Only_the_first_lines_of_a_long_splat_are_shown()
    {
        var scenario = ScenarioParser.Parse("init -> ok\n", "<h1>");
        var splat = Enumerable.Range(0, 20).Select(i => $"line{i:00}").ToList();
        var actual = HostLog.Verdict(scenario, new ProjectedComparison([], [], 1), splat).Mismatches.Single().Actual;
        actual.ShouldContain($"line{HostLog.ShownLines - 1:00}");
        actual.ShouldNotContain($"line{HostLog.ShownLines:00}");
    }
}
