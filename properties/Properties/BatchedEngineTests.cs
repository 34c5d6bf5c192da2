using System.Diagnostics;
using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Engine;
using PmuConformance.Checking.Generation;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;
using Xunit.Abstractions;

namespace PmuConformance.Properties;

/// <summary>
/// A target that says it runs batches (a kernel boots once per batch) goes through the same engine
/// and comparison as every other: the engine hands it whole batches within the budget, counts and
/// covers every case, and shrinks a disagreement a batch of candidates per round. The stand-in is
/// the emulator (or a broken one) behind a batching front that refuses single scenarios.
/// </summary>
public sealed class BatchedEngineTests(ITestOutputHelper output) : IDisposable
{
    private const int Batch = 50;

    private readonly Cli.TempDirectory findings = new();

    public void Dispose() => findings.Dispose();

    /// <summary>
    /// Runs <paramref name="inner"/>'s executions, but only in batches: a single <see cref="Execute"/>
    /// throws, so a check that did not batch would fail with "threw". Records every batch; may
    /// refuse scenarios as "not runnable here".
    /// </summary>
    private sealed class BatchingTarget(ITarget inner, Func<Scenario, string?>? notRunnable = null) : ITarget
    {
        public List<IReadOnlyList<Scenario>> Batches { get; } = [];

        public string Name => "batching-" + inner.Name;

        public int PreferredBatchSize => Batch;

        public string? WhyNotRunnable(Setup setup) => inner.WhyNotRunnable(setup);

        public Execution Execute(Scenario scenario) => throw new InvalidOperationException("this target only runs batches");

        public IReadOnlyList<Execution> ExecuteAll(IReadOnlyList<Scenario> scenarios)
        {
            Batches.Add(scenarios);
            return scenarios.Select(s => notRunnable?.Invoke(s) is { } reason ? Execution.NotRunnable(s, reason) : inner.Execute(s)).ToList();
        }
    }

    [Fact]
    public void A_case_budget_is_spent_in_whole_batches_of_the_numbered_cases()
    {
        var target = new BatchingTarget(new EmulatorTarget());
        var check = new DifferentialCheck(target);

        var result = PropertyEngine.Run(check, new EngineSettings { Seed = 7, Cases = 120 });

        result.Counterexample.ShouldBeNull(result.Counterexample?.Report());
        result.Cases.ShouldBe(120);
        target.Batches.Select(b => b.Count).ShouldBe([50, 50, 20]);
        result.Coverage.Cases.ShouldBe(120);
        result.Tally.NotRunnable.ShouldBe(0);
        result.Tally.CheckedSteps.ShouldBe(result.Steps); // exact: every step compared
        // Case k of the master seed, as the kernel oracle numbers its generated cases.
        target.Batches[1][3].SameAs(NumberedCases.Case(check.Generator, 7, 53)).ShouldBeTrue();
    }

    [Fact]
    public void A_shard_takes_every_nth_case_number_below_the_limit()
    {
        var target = new BatchingTarget(new EmulatorTarget());
        var check = new DifferentialCheck(target);

        var result = PropertyEngine.Run(check, new EngineSettings { Seed = 7, Cases = 120, Shard = new Shard(2, 3) });

        result.Cases.ShouldBe(40);
        target.Batches.Select(b => b.Count).ShouldBe([40]);
        target.Batches[0][0].SameAs(NumberedCases.Case(check.Generator, 7, 1)).ShouldBeTrue();
        target.Batches[0][39].SameAs(NumberedCases.Case(check.Generator, 7, 118)).ShouldBeTrue();
    }

    [Fact]
    public void A_time_budget_stops_between_batches()
    {
        var slow = new BatchingTarget(new SlowTarget(new EmulatorTarget(), TimeSpan.FromMilliseconds(5)));
        var duration = TimeSpan.FromSeconds(0.5);

        var result = PropertyEngine.Run(new DifferentialCheck(slow), new EngineSettings { Seed = 3, Duration = duration });

        slow.Batches.Count.ShouldBeGreaterThanOrEqualTo(1);
        slow.Batches.ShouldAllBe(b => b.Count == Batch);
        result.Cases.ShouldBe(Batch * slow.Batches.Count);
        result.Elapsed.ShouldBeGreaterThanOrEqualTo(duration);
        // A batch takes at least 0.25 s here: the run stops at the first batch boundary past its budget.
        result.Elapsed.ShouldBeLessThan(duration + TimeSpan.FromSeconds(0.25) * 8);
    }

    [Fact]
    public void A_planted_disagreement_is_found_reported_and_shrunk_in_batches()
    {
        var broken = BrokenEmulators.SoftwareIncrementObeysFilter();
        var target = new BatchingTarget(broken);
        var clock = Stopwatch.StartNew();

        var result = PropertyEngine.Run(new DifferentialCheck(target),
            new EngineSettings { Seed = 0x5eed, Duration = TimeSpan.FromSeconds(60), FindingsDirectory = findings.Path });

        output.WriteLine(result.Summary());
        var counterexample = result.Counterexample.ShouldNotBeNull("the planted defect was not caught");
        output.WriteLine(counterexample.Report());
        var shrinkSeconds = clock.Elapsed.TotalSeconds - counterexample.TimeToFirstFailure.TotalSeconds;
        output.WriteLine($"{target.Batches.Count} batches, {counterexample.ShrinkSteps} shrinks in {shrinkSeconds:0.00} s");

        // Found in a batch: every case of it was counted, and it is judged by the target's comparison.
        counterexample.Explanation.ShouldBe($"model and {target.Name} differ");
        (result.Cases % Batch).ShouldBe(0);
        counterexample.CasesToFirstFailure.ShouldBeInRange(result.Cases - Batch + 1, result.Cases);
        result.Tally.Mismatches.ShouldNotBeEmpty();
        var generationBatches = (int)(result.Cases / Batch);

        // Shrunk through further batches, none larger than the target asked for.
        target.Batches.Count.ShouldBeGreaterThan(generationBatches);
        target.Batches.ShouldAllBe(b => b.Count <= Batch);
        counterexample.ShrinkSteps.ShouldBeGreaterThan(0);
        counterexample.ShrunkSteps.ShouldBeLessThan(counterexample.Original.Steps.Count);
        counterexample.ShrunkSteps.ShouldBeLessThanOrEqualTo(10);

        // The repro passes on the model and fails on the broken target where it says.
        var repro = ScenarioParser.Parse(counterexample.Text, "repro.pmu");
        ExpectationCheck.Mismatches(repro, new ModelTarget().Execute(repro)).ShouldBeEmpty();
        var onBroken = ExpectationCheck.Mismatches(repro, broken.Execute(repro));
        onBroken.ShouldNotBeEmpty();
        onBroken[0].Line.ShouldBe(counterexample.FirstDifferenceLine);
        File.ReadAllText(counterexample.FindingsPath!).ShouldBe(counterexample.Text);

        // Numbered cases have no replay token: the master seed and a case count repeat the failing one.
        counterexample.Replay.ShouldBeNull();
        var number = counterexample.Original.Source.ShouldNotBeNull();
        counterexample.ReplayCommand.ShouldStartWith($"pmuconf check --target {target.Name} --seed 0x5eed --cases ");
        var cases = long.Parse(counterexample.ReplayCommand.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var again = PropertyEngine.Run(new DifferentialCheck(new BatchingTarget(broken)), new EngineSettings { Seed = 0x5eed, Cases = cases });
        again.Counterexample.ShouldNotBeNull().Original.SameAs(counterexample.Original).ShouldBeTrue(number);
    }

    [Fact]
    public void A_scenario_the_target_cannot_run_is_counted_as_such_not_failed_nor_covered()
    {
        var target = new BatchingTarget(new EmulatorTarget(), s => s.Setup.Vm.Vcpus > 1 ? "one vCPU only" : null);

        var result = PropertyEngine.Run(new DifferentialCheck(target), new EngineSettings { Seed = 11, Cases = 100 });

        result.Counterexample.ShouldBeNull(result.Counterexample?.Report());
        var refused = target.Batches.SelectMany(b => b).Count(s => s.Setup.Vm.Vcpus > 1);
        refused.ShouldBeGreaterThan(0);
        result.Tally.NotRunnable.ShouldBe(refused);
        result.Coverage.Cases.ShouldBe(100 - refused);
    }

    [Fact]
    public void A_replay_token_is_refused_for_a_batching_target()
    {
        var check = new DifferentialCheck(new BatchingTarget(new EmulatorTarget()));
        Should.Throw<ArgumentException>(() => PropertyEngine.Run(check, new EngineSettings { Replay = new ReplayToken(1, 1, 10) }))
            .Message.ShouldContain("batches");
    }

    [Fact]
    public void A_target_that_cannot_run_at_all_stops_the_run_instead_of_failing_a_case()
    {
        var check = new DifferentialCheck(new BatchingTarget(new BrokenStart()));
        Should.Throw<TargetFailureException>(() => PropertyEngine.Run(check, new EngineSettings { Seed = 1, Cases = 10 }));
    }

    /// <summary>Sleeps before each scenario, like a kernel's probe takes its time.</summary>
    private sealed class SlowTarget(ITarget inner, TimeSpan perScenario) : ITarget
    {
        public string Name => inner.Name;

        public string? WhyNotRunnable(Setup setup) => inner.WhyNotRunnable(setup);

        public Execution Execute(Scenario scenario)
        {
            Thread.Sleep(perScenario);
            return inner.Execute(scenario);
        }
    }

    /// <summary>A target whose start-up fails, as a kernel that does not boot.</summary>
    private sealed class BrokenStart : ITarget
    {
        public string Name => "broken-start";

        public string? WhyNotRunnable(Setup setup) => new EmulatorTarget().WhyNotRunnable(setup);

        public Execution Execute(Scenario scenario) => throw new TargetFailureException("did not boot");
    }
}
