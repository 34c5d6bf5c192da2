using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Coverage;
using PmuConformance.Checking.Generation;
using PmuConformance.Checking.Shrinking;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Engine;

/// <summary>
/// Runs a check over generated scenarios until the budget is spent or a case fails; a failing case
/// is shrunk (by <see cref="ScenarioShrinker"/>) and reported as a <see cref="Counterexample"/>.
/// Used by the xunit properties and by <c>pmuconf check</c> for every target.
/// </summary>
/// <remarks>
/// A check that takes one scenario at a time (<see cref="IScenarioCheck.BatchSize"/> 1) runs under
/// FsCheck, which generates, shrinks and gives each case a replay token. A check whose target runs
/// batches (a kernel boots once per batch) runs <see cref="NumberedCases"/> a batch per call and
/// shrinks a batch of candidates per round; its cases are named by their number, not by a token.
/// Both count cases, coverage and the comparisons' findings in the same <see cref="RunCounters"/>.
/// </remarks>
public static class PropertyEngine
{
    /// <summary>Shrinking stops trying new candidates after this long.</summary>
    private static readonly TimeSpan ShrinkBudget = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The same for a target that runs batches: a shrink round costs a start-up (a kernel boot,
    /// several seconds), so a minute would stop a kernel's shrinking after a handful of rounds.
    /// </summary>
    private static readonly TimeSpan BatchedShrinkBudget = TimeSpan.FromMinutes(5);

    public static EngineResult Run(IScenarioCheck check, EngineSettings settings)
    {
        if (settings.Cases is null && settings.Duration is null && settings.Replay is null)
        {
            throw new ArgumentException("set a case limit, a duration or a replay token", nameof(settings));
        }
        if (check.BatchSize > 1)
        {
            if (settings.Replay is not null)
            {
                throw new ArgumentException($"{check.Name} runs in batches: its cases are replayed by master seed and case count, not by a replay token", nameof(settings));
            }
            return new BatchedRun(check, settings).Execute();
        }
        return new OneAtATimeRun(check, settings).Execute();
    }

    /// <summary>What one run has counted so far: cases, steps, coverage, the comparisons' tally, the first failure.</summary>
    private sealed class RunCounters(IScenarioCheck check, EngineSettings settings, TimeSpan shrinkBudget)
    {
        private TimeSpan lastProgress;

        public Stopwatch Clock { get; } = new();

        public CoverageTable Coverage { get; } = new();

        public ComparisonTally Tally { get; } = new();

        public long Cases { get; private set; }

        public long Steps { get; private set; }

        public bool Failed { get; private set; }

        public long CasesToFirstFailure { get; private set; }

        public TimeSpan TimeToFirstFailure { get; private set; }

        /// <summary>Shrinking may try further candidates: within its budget and not interrupted.</summary>
        public bool MayShrink => Clock.Elapsed - TimeToFirstFailure <= shrinkBudget && !settings.Cancellation.IsCancellationRequested;

        /// <summary>Counts a generated case (never a shrink candidate); the first failing one is remembered.</summary>
        public void Count(Scenario scenario, CheckOutcome outcome)
        {
            Cases++;
            Steps += scenario.Steps.Count;
            if (outcome.NotRunnable is null)
            {
                Coverage.Add(outcome.Labels);
            }
            Tally.Add(outcome);
            if (!outcome.Passed && !Failed)
            {
                Failed = true;
                CasesToFirstFailure = Cases;
                TimeToFirstFailure = Clock.Elapsed;
            }
        }

        /// <summary>Tells the progress callback the counts, about once a second.</summary>
        public void ReportProgress()
        {
            if (settings.Progress is { } progress && Clock.Elapsed - lastProgress >= TimeSpan.FromSeconds(1))
            {
                lastProgress = Clock.Elapsed;
                progress(new EngineProgress(check.Name, Cases, Clock.Elapsed, Failed ? 1 : 0));
            }
        }

        public EngineResult Result(Counterexample? counterexample)
        {
            if (counterexample is not null && settings.FindingsDirectory is { } directory)
            {
                // A full disk must not lose the counterexample: the report carries the text either way.
                counterexample = Findings.TryWrite(directory, check.Name, counterexample.Text, out var problem) is { } path
                    ? counterexample with { FindingsPath = path }
                    : counterexample with { FindingsError = problem };
            }
            return new EngineResult(check.Name, Cases, Steps, Clock.Elapsed, settings.Seed, Coverage, counterexample)
            {
                Replayed = settings.Replay,
                Interrupted = settings.Cancellation.IsCancellationRequested,
                Tally = Tally,
            };
        }

        public Counterexample Describe(Scenario original, Scenario shrunk, Disagreement d, ReplayToken? token, int shrinks, string replayCommand)
        {
            var repro = ReproText.Build(check.Name, "the property engine", shrunk, d, replayCommand);
            return new Counterexample(original, repro.Shown, repro.Text, repro.FirstDifferenceLine, d.Expected, d.Actual, d.Explanation, token,
                CasesToFirstFailure, TimeToFirstFailure, shrinks)
            {
                ReplayCommand = replayCommand,
            };
        }
    }

    /// <summary>FsCheck drives: it generates each case, calls the property, and shrinks a failure through its own loop.</summary>
    private sealed class OneAtATimeRun(IScenarioCheck check, EngineSettings settings)
    {
        private readonly RunCounters counters = new(check, settings, ShrinkBudget);
        private readonly ScenarioShrinker shrinker = new(new ScenarioValidity(check.Generator.Runnable));

        public EngineResult Execute()
        {
            var arbitrary = ScenarioGen.Arbitrary(check.Generator, Shrink);
            var property = Prop.ForAll(arbitrary, (Func<Scenario, bool>)Evaluate);
            var runner = new CapturingRunner();
            counters.Clock.Start();
            var shard = settings.Shard;
            for (var round = (ulong)(shard.Index - 1); !BudgetSpent(); round += (ulong)shard.Count)
            {
                Check.One(Configuration(round, runner), property);
                if (runner.Result is TestResult.Failed failure)
                {
                    return Result(failure);
                }
                if (settings.Replay is not null)
                {
                    break;
                }
            }
            return counters.Result(null);
        }

        private bool BudgetSpent() =>
            settings.Cancellation.IsCancellationRequested
            || (settings.Cases is { } limit && counters.Cases >= limit)
            || (settings.Duration is { } duration && counters.Clock.Elapsed >= duration)
            || (settings.Replay is not null && counters.Cases > 0);

        private Config Configuration(ulong round, IRunner runner)
        {
            Replay replay;
            var maxTest = settings.RoundSize;
            if (settings.Replay is { } token)
            {
                replay = new Replay(new Rnd(token.Seed, token.Gamma), FSharpOption<int>.Some(token.Size));
                maxTest = 1;
            }
            else
            {
                replay = new Replay(new Rnd(RoundSeed(settings.Seed, round)), FSharpOption<int>.None);
                if (settings.Cases is { } limit)
                {
                    maxTest = (int)Math.Min(maxTest, limit - counters.Cases);
                }
            }
            return Config.Default
                .WithMaxTest(maxTest)
                .WithStartSize(0)
                .WithEndSize(100)
                .WithRunner(runner)
                .WithReplay(FSharpOption<Replay>.Some(replay));
        }

        /// <summary>A well-mixed seed per round, so rounds do not repeat each other.</summary>
        private static ulong RoundSeed(ulong seed, ulong round)
        {
            var z = seed + ((round + 1) * 0x9E3779B97F4A7C15);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }

        /// <summary>The property FsCheck calls, for generated cases and for shrink candidates alike.</summary>
        private bool Evaluate(Scenario scenario)
        {
            if (!counters.Failed && settings.Cancellation.IsCancellationRequested)
            {
                return true; // interrupted: FsCheck finishes its round, but nothing more is checked or counted
            }
            var outcome = SafeCheck.Run(check, scenario);
            if (!counters.Failed)
            {
                counters.Count(scenario, outcome);
                counters.ReportProgress();
            }
            return outcome.Passed;
        }

        private IEnumerable<Scenario> Shrink(Scenario scenario) => counters.MayShrink ? shrinker.Shrink(scenario) : [];

        private EngineResult Result(TestResult.Failed failure)
        {
            var original = (Scenario)failure.Item2.Head;
            var shrunk = (Scenario)failure.Item3.Head;
            var disagreement = SafeCheck.Run(check, shrunk).Disagreement
                ?? throw new InvalidOperationException("the shrunk counterexample passes on a second run: the check is not deterministic");
            var token = new ReplayToken(failure.Item6.Seed, failure.Item6.Gamma, failure.Item7);
            return counters.Result(counters.Describe(original, shrunk, disagreement, token, failure.Item1.NumberOfShrinks, ReplayCommand(token)));
        }

        /// <summary>
        /// What reproduces the case: for a differential check, pmuconf check with its target (a replay
        /// token alone would run against the default target and pass); for the model's laws and
        /// relations, the token in the property test's settings.
        /// </summary>
        private string ReplayCommand(ReplayToken token) =>
            settings.ReplayCommand?.Invoke(token)
            ?? (check is DifferentialCheck differential
                ? $"pmuconf check --target {differential.Target.Name} --seed {token}"
                : $"EngineSettings.Replay = ReplayToken {token} in the {check.Name} property");
    }

    /// <summary>
    /// The engine drives in batches, for a target that pays a start-up per batch (a kernel boot):
    /// case number k of the master seed is <see cref="NumberedCases.Case"/> k, case numbers below
    /// <see cref="EngineSettings.Cases"/> are the run's (a shard takes those with k mod n = i - 1,
    /// as <c>pmuconf kernel --shard</c> splits its generated cases), and each call to
    /// <see cref="IScenarioCheck.CheckAll"/> gets up to <see cref="IScenarioCheck.BatchSize"/> of
    /// them. Every case of a batch is counted. The first failing one is shrunk as FsCheck would
    /// (the first failing candidate, in the shrinker's order, replaces it, until none fails), the
    /// candidates of a round going in batches too: for a kernel, one boot per round and preset.
    /// </summary>
    private sealed class BatchedRun(IScenarioCheck check, EngineSettings settings)
    {
        private readonly RunCounters counters = new(check, settings, BatchedShrinkBudget);
        private readonly ScenarioShrinker shrinker = new(new ScenarioValidity(check.Generator.Runnable));
        private long nextNumber;

        public EngineResult Execute()
        {
            counters.Clock.Start();
            while (!BudgetSpent())
            {
                var batch = NextBatch();
                if (batch.Count == 0)
                {
                    break;
                }
                var outcomes = SafeCheck.RunAll(check, batch.Select(c => c.Scenario).ToList());
                (long Number, Scenario Scenario, CheckOutcome Outcome)? failing = null;
                for (var i = 0; i < batch.Count; i++)
                {
                    counters.Count(batch[i].Scenario, outcomes[i]);
                    if (!outcomes[i].Passed && failing is null)
                    {
                        failing = (batch[i].Number, batch[i].Scenario, outcomes[i]);
                    }
                }
                counters.ReportProgress();
                if (failing is { } found)
                {
                    return Shrunk(found.Number, found.Scenario, found.Outcome);
                }
            }
            return counters.Result(null);
        }

        private bool BudgetSpent() =>
            settings.Cancellation.IsCancellationRequested
            || (settings.Cases is { } limit && nextNumber >= limit)
            || (settings.Duration is { } duration && counters.Clock.Elapsed >= duration);

        /// <summary>The next cases of this shard, at most a batch, below the case limit.</summary>
        private List<(long Number, Scenario Scenario)> NextBatch()
        {
            var batch = new List<(long, Scenario)>();
            while (batch.Count < check.BatchSize && (settings.Cases is not { } limit || nextNumber < limit))
            {
                if (settings.Shard.Takes(nextNumber))
                {
                    batch.Add((nextNumber, NumberedCases.Case(check.Generator, settings.Seed, nextNumber)));
                }
                nextNumber++;
            }
            return batch;
        }

        private EngineResult Shrunk(long number, Scenario original, CheckOutcome failed)
        {
            var (shrunk, outcome) = (original, failed);
            var shrinks = 0;
            while (counters.MayShrink && FirstFailingCandidate(shrunk) is { } smaller)
            {
                (shrunk, outcome) = smaller;
                shrinks++;
            }
            var shard = settings.Shard.IsAll ? "" : $" --shard {settings.Shard}";
            var replay = check is DifferentialCheck differential
                ? $"pmuconf check --target {differential.Target.Name} --seed {Numbers.Hex(settings.Seed)} --cases {number + 1}{shard}"
                : $"EngineSettings.Seed = {Numbers.Hex(settings.Seed)}, Cases = {number + 1} in the {check.Name} property";
            return counters.Result(counters.Describe(original, shrunk, outcome.Disagreement!, token: null, shrinks, replay));
        }

        /// <summary>The first candidate, in the shrinker's order, that still fails; a batch of candidates per call to the check.</summary>
        private (Scenario Scenario, CheckOutcome Outcome)? FirstFailingCandidate(Scenario scenario)
        {
            foreach (var candidates in shrinker.Shrink(scenario).Chunk(check.BatchSize))
            {
                var outcomes = SafeCheck.RunAll(check, candidates);
                for (var i = 0; i < candidates.Length; i++)
                {
                    if (!outcomes[i].Passed)
                    {
                        return (candidates[i], outcomes[i]);
                    }
                }
                if (!counters.MayShrink)
                {
                    break;
                }
            }
            return null;
        }
    }

    /// <summary>An FsCheck runner that prints nothing and keeps the result for the engine.</summary>
    private sealed class CapturingRunner : IRunner
    {
        public TestResult? Result { get; private set; }

        public void OnStartFixture(Type t)
        {
        }

        public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every)
        {
        }

        public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink)
        {
        }

        public void OnFinished(string name, TestResult testResult) => Result = testResult;
    }
}
