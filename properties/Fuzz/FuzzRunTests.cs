using System.Diagnostics;
using PmuConformance.Fuzz.Pmu;
using PmuConformance.Properties.Corpus;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Fuzz;

/// <summary>
/// The whole mechanism on the harness's deliberately broken emulator (selftest:swinc-lost, which
/// loses every PMSWINC write): a fixed-seed in-process run of the instrumented harness finds a
/// divergence from an empty corpus, and its report step shrinks it into a .pmu repro that passes on
/// the model and fails on the broken emulator. The harness runs as a child process because only its
/// own output folder holds instrumented copies; this test process keeps the plain ones.
/// </summary>
public class FuzzRunTests
{
    private const string Target = "differential@selftest:swinc-lost";

    [Fact]
    public void A_fixed_seed_run_finds_and_shrinks_the_broken_emulators_divergence()
    {
        var campaign = Directory.CreateTempSubdirectory("pmuconf-fuzz-test-").FullName;
        try
        {
            var fuzz = FuzzHarness.Run("fuzz", Target, "--no-supervise", "--seed", "1", "--max-execs", "300000", "--stop-on-finding",
                "--max-len", "1024", "--out", Path.Combine(campaign, "inproc"));
            fuzz.Code.ShouldBe(3, fuzz.Output); // HarnessExitCodes.Findings
            fuzz.Output.ShouldContain("DivergenceException");

            var report = FuzzHarness.Run("report", Target, "--campaign", campaign, "--findings", Path.Combine(campaign, "repository-findings"));
            report.Code.ShouldBe(0, report.Output);
            var repro = Directory.GetFiles(Path.Combine(campaign, "findings"), "*.pmu").ShouldHaveSingleItem();
            Directory.GetFiles(Path.Combine(campaign, "repository-findings"), "*.pmu").ShouldHaveSingleItem();

            var scenario = ScenarioParser.ParseFile(repro);
            scenario.Steps.Count.ShouldBeLessThanOrEqualTo(8, File.ReadAllText(repro));
            scenario.Steps.ShouldContain(s => s.Step is SwincStep);
            ExpectationCheck.Mismatches(scenario, new ModelTarget().Execute(scenario)).ShouldBeEmpty();
            ExpectationCheck.Mismatches(scenario, new SelfTestTargets.SwincLost().Execute(scenario)).ShouldNotBeEmpty();
        }
        finally
        {
            Directory.Delete(campaign, recursive: true);
        }
    }
}
