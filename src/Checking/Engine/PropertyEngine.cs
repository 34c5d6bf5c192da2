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
/// Runs a check over generated scenarios with FsCheck until the budget is spent or a case fails;
/// a failing case is shrunk (by <see cref="ScenarioShrinker"/>, through FsCheck's shrink loop) and
/// reported as a <see cref="Counterexample"/>. Used by the xunit properties and by <c>pmuconf check</c>.
/// </summary>
public static class PropertyEngine
{
    /// <summary>Shrinking stops trying new candidates after this long.</summary>
    private static readonly TimeSpan ShrinkBudget = TimeSpan.FromSeconds(60);

    public static EngineResult Run(IScenarioCheck check, EngineSettings settings)
    {
        if (settings.Cases is null && settings.Duration is null && settings.Replay is null)
        {
            throw new ArgumentException("set a case limit, a duration or a replay token", nameof(settings));
        }
        var run = new EngineRun(check, settings);
        return run.Execute();
    }

    /// <summary>One engine run: the counters the property updates as FsCheck calls it.</summary>
    private sealed class EngineRun(IScenarioCheck check, EngineSettings settings)
    {
        private readonly Stopwatch clock = new();
        private readonly CoverageTable coverage = new();
        private readonly ScenarioShrinker shrinker = new(new ScenarioValidity(check.Generator.Runnable));
        private long cases;
        private long steps;
        private bool failed;
        private long casesToFirstFailure;
        private TimeSpan timeToFirstFailure;
        private TimeSpan lastProgress;

        public EngineResult Execute()
        {
            var arbitrary = ScenarioGen.Arbitrary(check.Generator, Shrink);
            var property = Prop.ForAll(arbitrary, (Func<Scenario, bool>)Evaluate);
            var runner = new CapturingRunner();
            clock.Start();
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
            return new EngineResult(check.Name, cases, steps, clock.Elapsed, settings.Seed, coverage, null)
            {
                Replayed = settings.Replay,
                Interrupted = settings.Cancellation.IsCancellationRequested,
            };
        }

        private bool BudgetSpent() =>
            settings.Cancellation.IsCancellationRequested
            || (settings.Cases is { } limit && cases >= limit)
            || (settings.Duration is { } duration && clock.Elapsed >= duration)
            || (settings.Replay is not null && cases > 0);

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
                    maxTest = (int)Math.Min(maxTest, limit - cases);
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
            if (!failed && settings.Cancellation.IsCancellationRequested)
            {
                return true; // interrupted: FsCheck finishes its round, but nothing more is checked or counted
            }
            var outcome = SafeCheck.Run(check, scenario);
            if (!failed)
            {
                cases++;
                steps += scenario.Steps.Count;
                coverage.Add(outcome.Labels);
                if (!outcome.Passed)
                {
                    failed = true;
                    casesToFirstFailure = cases;
                    timeToFirstFailure = clock.Elapsed;
                }
                if (settings.Progress is { } progress && clock.Elapsed - lastProgress >= TimeSpan.FromSeconds(1))
                {
                    lastProgress = clock.Elapsed;
                    progress(new EngineProgress(check.Name, cases, clock.Elapsed, failed ? 1 : 0));
                }
            }
            return outcome.Passed;
        }

        private IEnumerable<Scenario> Shrink(Scenario scenario) =>
            clock.Elapsed - timeToFirstFailure > ShrinkBudget || settings.Cancellation.IsCancellationRequested ? [] : shrinker.Shrink(scenario);

        private EngineResult Result(TestResult.Failed failure)
        {
            var original = (Scenario)failure.Item2.Head;
            var shrunk = (Scenario)failure.Item3.Head;
            var disagreement = SafeCheck.Run(check, shrunk).Disagreement
                ?? throw new InvalidOperationException("the shrunk counterexample passes on a second run: the check is not deterministic");
            var token = new ReplayToken(failure.Item6.Seed, failure.Item6.Gamma, failure.Item7);
            var counterexample = Describe(original, shrunk, disagreement, token, failure.Item1.NumberOfShrinks);
            if (settings.FindingsDirectory is { } directory)
            {
                // A full disk must not lose the counterexample: the report carries the text either way.
                counterexample = Findings.TryWrite(directory, check.Name, counterexample.Text, out var problem) is { } path
                    ? counterexample with { FindingsPath = path }
                    : counterexample with { FindingsError = problem };
            }
            return new EngineResult(check.Name, cases, steps, clock.Elapsed, settings.Seed, coverage, counterexample)
            {
                Replayed = settings.Replay,
                Interrupted = settings.Cancellation.IsCancellationRequested,
            };
        }

        private Counterexample Describe(Scenario original, Scenario shrunk, Disagreement d, ReplayToken token, int shrinks)
        {
            var repro = ReproText.Build(check.Name, "the property engine", shrunk, d, ReplayCommand(token));
            return new Counterexample(original, repro.Shown, repro.Text, repro.FirstDifferenceLine, d.Expected, d.Actual, d.Explanation, token,
                casesToFirstFailure, timeToFirstFailure, shrinks)
            {
                ReplayCommand = ReplayCommand(token),
            };
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
