using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Engine;
using PmuConformance.KernelOracle;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.KernelOracle;

/// <summary>
/// A kernel goes through the same check as every target: it batches (one boot per preset and
/// batch), a scenario it cannot run is a status rather than an error string, and a scenario its
/// probe did not finish is a disagreement where it stopped. A stand-in transport plays the probe,
/// so neither QEMU nor a kernel is needed.
/// </summary>
public sealed class KernelJudgementTests
{
    private static readonly KernelImage Kernel = new("fake", "/nonexistent/Image", "6.12.0", KernelProfile.V6_12);

    private const string Scenario = "profile 6.12\nhost qemu-a57\ninit -> ok\nrun -> ok\nread pmcr\n";

    /// <summary>Answers every scenario of a batch with the probe lines <paramref name="answer"/> gives for its id.</summary>
    private sealed class ScriptedProbe(Func<string, IEnumerable<string>> answer) : IProbeTransport
    {
        public List<int> Boots { get; } = [];

        public BootResult Run(string preset, string batch)
        {
            var ids = batch.Split('\n').Where(l => l.StartsWith("SCENARIO ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
            Boots.Add(ids.Count);
            var lines = ids.SelectMany(answer).Append("END 0").ToList();
            return new BootResult(lines, true, "", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.5));
        }
    }

    [Fact]
    public void A_scenario_the_probe_refuses_is_not_runnable_by_status()
    {
        var probe = new ScriptedProbe(id => [$"NOTRUN {id} no such CPU feature here", $"DONE {id}"]);
        var target = new KernelTarget(Kernel, probe);

        var execution = target.Execute(ScenarioParser.Parse(Scenario, "a.pmu"));

        execution.Status.ShouldBe(ExecutionStatus.NotRunnable);
        execution.NotRunnableReason.ShouldBe("the probe could not run it: no such CPU feature here");
        execution.Error.ShouldNotBeNull().Message.ShouldBe("a.pmu: not runnable here: the probe could not run it: no such CPU feature here");

        var report = KernelCampaign.Replay(target, [ScenarioParser.Parse(Scenario, "b.pmu")], "corpus");
        report.NotRunnable.ShouldBe(1);
        report.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void The_engine_hands_a_kernel_batches_and_counts_what_it_could_not_run()
    {
        var probe = new ScriptedProbe(id => [$"NOTRUN {id} no such CPU feature here", $"DONE {id}"]);
        var target = new KernelTarget(Kernel, probe);
        var check = new DifferentialCheck(target, target.GeneratorOptionsFor([HostSpec.QemuA57]));

        var result = PropertyEngine.Run(check, new EngineSettings { Seed = 1, Cases = 20 });

        check.BatchSize.ShouldBe(target.PreferredBatchSize);
        // One preset, one batch: one boot (for those the C# side did not already refuse).
        probe.Boots.ShouldHaveSingleItem().ShouldBeInRange(1, 20);
        result.Cases.ShouldBe(20);
        result.Tally.NotRunnable.ShouldBe(20);
        result.Coverage.Cases.ShouldBe(0);
        result.Counterexample.ShouldBeNull();
        target.Batches.Count.ShouldBe(1);
    }

    [Fact]
    public void A_scenario_the_probe_did_not_finish_is_a_disagreement_where_it_stopped()
    {
        // The probe answers the first step and then nothing more: the projection alone would only
        // call the rest "not reached"; the comparison makes it a mismatch at step 2.
        var probe = new ScriptedProbe(id => [$"R {id} 0 ok", $"DONE {id}"]);
        var target = new KernelTarget(Kernel, probe);
        var scenario = ScenarioParser.Parse(Scenario, "c.pmu");

        var outcome = new DifferentialCheck(target).Check(scenario);

        var disagreement = outcome.Disagreement.ShouldNotBeNull();
        disagreement.StepIndex.ShouldBe(1);
        disagreement.Expected.ShouldBe("ok");
        disagreement.Actual.ShouldContain("the probe gave no result for this step");
        disagreement.Explanation.ShouldContain("through the projection");
        target.Comparison.IsExact.ShouldBeFalse();
    }
}
