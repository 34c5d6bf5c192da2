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
        var agreeing = new ComparisonResult([], [], Checked: 2);
        var (results, _) = ProbeOutput.Parse(Lines);

        var verdict = HostLog.Verdict(scenario, agreeing, results["s0"].Splat, DeviationSet.None);

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
        var verdict = HostLog.Verdict(scenario, new ComparisonResult([earlier], [], 1), ["BUG: sleeping function called from invalid context"], DeviationSet.None);
        verdict.Mismatches.Count.ShouldBe(2);
        verdict.Mismatches[0].ShouldBe(earlier);
    }

    [Fact]
    public void Without_a_splat_the_verdict_is_the_projections()
    {
        var scenario = ScenarioParser.Parse("init -> ok\n", "<h1>");
        var comparison = new ComparisonResult([], [], 1);
        HostLog.Verdict(scenario, comparison, [], DeviationSet.None).ShouldBeSameAs(comparison);
    }

    [Fact]
    public void Only_the_first_lines_of_a_long_splat_are_shown()
    {
        var scenario = ScenarioParser.Parse("init -> ok\n", "<h1>");
        var splat = Enumerable.Range(0, 20).Select(i => $"line{i:00}").ToList();
        var actual = HostLog.Verdict(scenario, new ComparisonResult([], [], 1), splat, DeviationSet.None).Mismatches.Single().Actual;
        actual.ShouldContain($"line{HostLog.ShownLines - 1:00}");
        actual.ShouldNotContain($"line{HostLog.ShownLines:00}");
    }

    [Fact]
    public void A_splat_the_ledger_expects_of_the_kernel_is_shown_not_failed()
    {
        // KD9: the "Unknown PMU version" WARNING from kvm_pmu_evtyper_mask (6.12, 7.2).
        var scenario = ScenarioParser.Parse("profile 6.12\nset-pmuver none -> ok\ninit -> ok\nrun -> ok\nwrite pmevtyper0 0x11\n", "<kd9>");
        string[] splat = ["WARNING: CPU: 0 PID: 122 at arch/arm64/kvm/pmu-emul.c:49 kvm_pmu_evtyper_mask+0xac/0xc0"];
        var expected = DeviationLedger.ForKernel("debian-6.12");
        var verdict = HostLog.Verdict(scenario, new ComparisonResult([], [], 3), splat, expected);
        verdict.Mismatches.ShouldBeEmpty();
        verdict.Shows.Contains("KD9").ShouldBeTrue();

        // The same splat on a kernel the ledger does not list it for fails, and so does another splat.
        HostLog.Verdict(scenario, new ComparisonResult([], [], 3), splat, DeviationLedger.ForKernel("debian-6.1")).Mismatches.ShouldNotBeEmpty();
        HostLog.Verdict(scenario, new ComparisonResult([], [], 3), ["BUG: unable to handle page fault"], expected).Mismatches.ShouldNotBeEmpty();
    }
}
