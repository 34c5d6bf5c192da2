using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Engine;
using PmuConformance.Cli;
using PmuConformance.Properties.Framework;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using Xunit.Abstractions;

namespace PmuConformance.Properties;

/// <summary>
/// The [ScenarioProperty] path can fail: the differential property's shape, pointed at a broken
/// emulator (swincr-filtered) and run the way FsCheck.Xunit runs it (<c>Check.Method</c> with the
/// attribute's configuration), fails with the shrunk <c>.pmu</c> and the first differing line, and
/// FsCheck's replay seed reproduces the case both as the attribute's Replay and as
/// <c>pmuconf check --seed</c>.
/// </summary>
public sealed partial class PropertyFailureTests(ITestOutputHelper output)
{
    private const string Defect = "swincr-filtered";

    /// <summary>Not a test class (no attribute): the property under test, over the broken emulator.</summary>
    public sealed class BrokenEmulatorProperty(ITestOutputHelper output) : ScenarioProperties(output)
    {
        private static readonly DifferentialCheck Broken = new(BrokenEmulators.SoftwareIncrementObeysFilter());

        public void Model_and_broken_emulator_agree(EmulatorScenario scenario) => Holds(Broken, scenario.Scenario);
    }

    /// <summary>What FsCheck.Xunit builds from [ScenarioProperty] and the assembly's [Properties].</summary>
    private static Config AttributeConfig(IRunner runner, Replay replay, int maxTest) => Config.Default
        .WithMaxTest(maxTest)
        .WithStartSize(0)
        .WithEndSize(100)
        .WithArbitrary([typeof(ScenarioArbitraries)])
        .WithRunner(runner)
        .WithReplay(FSharpOption<Replay>.Some(replay));

    private static TestResult.Failed RunProperty(ITestOutputHelper output, Replay replay, int maxTest)
    {
        var runner = new ResultRunner();
        var method = typeof(BrokenEmulatorProperty).GetMethod(nameof(BrokenEmulatorProperty.Model_and_broken_emulator_agree))!;
        using var instance = new BrokenEmulatorProperty(output);
        Check.Method(AttributeConfig(runner, replay, maxTest), method, instance);
        return runner.Result.ShouldBeOfType<TestResult.Failed>($"the property over emulator:{Defect} passed");
    }

    [Fact]
    public void A_failure_shows_the_shrunk_repro_and_a_replay_for_both_runners()
    {
        var failure = RunProperty(output, new Replay(new Rnd(0x5eed, 0x9e3779b97f4a7c15 | 1), FSharpOption<int>.None), 5000);
        var message = Runner.onFinishedToString("", failure);
        output.WriteLine(message);

        // The report: first differing line and the shrunk .pmu (the exception of the smallest failing case).
        var exception = ((FsCheck.Outcome.Failed)failure.Item4).Item.ShouldBeOfType<CounterexampleException>();
        message.ShouldContain("first difference at line");
        message.ShouldContain("---- repro (.pmu) ----");
        var repro = ScenarioParser.Parse(exception.Repro.Text, "repro.pmu");
        ExpectationCheck.Mismatches(repro, new ModelTarget().Execute(repro)).ShouldBeEmpty();
        var onBroken = ExpectationCheck.Mismatches(repro, BrokenEmulators.SoftwareIncrementObeysFilter().Execute(repro));
        onBroken.ShouldNotBeEmpty();
        onBroken[0].Line.ShouldBe(exception.Repro.FirstDifferenceLine);
        repro.Steps.Count.ShouldBeLessThanOrEqualTo(10);

        // The replay FsCheck prints, "(seed,gamma,size)".
        var replayText = ReplayPattern().Match(message).Groups[1].Value;
        ReplayToken.TryParse(replayText, out var token).ShouldBeTrue(replayText);
        var original = ((EmulatorScenario)failure.Item2.Head).Scenario;

        // 1. As the attribute's Replay: the first case is the failing one again.
        var again = RunProperty(output, new Replay(new Rnd(token!.Seed, token.Gamma), FSharpOption<int>.Some(token.Size)), 1);
        ((EmulatorScenario)again.Item2.Head).Scenario.SameAs(original).ShouldBeTrue();

        // 2. As pmuconf check --seed: the engine replays the same scenario and fails on it.
        var engine = PropertyEngine.Run(new DifferentialCheck(BrokenEmulators.SoftwareIncrementObeysFilter()), new EngineSettings { Replay = token });
        engine.Cases.ShouldBe(1);
        engine.Counterexample.ShouldNotBeNull().Original.SameAs(original).ShouldBeTrue();
        var cli = new StringWriter();
        PmuConf.Run(["check", "--target", $"emulator:{Defect}", "--seed", replayText], cli, new StringWriter()).ShouldBe(ExitCodes.Mismatch);
        cli.ToString().ShouldContain("1 cases");
    }

    [GeneratedRegex(@"Replay directly at failing step with (\(\d+,\d+,\d+\))")]
    private static partial Regex ReplayPattern();

    /// <summary>Keeps FsCheck's result instead of printing it.</summary>
    private sealed class ResultRunner : IRunner
    {
        public TestResult? Result { get; private set; }

        public void OnStartFixture(Type t)
        {
        }

        public void OnArguments(int ntest, Microsoft.FSharp.Collections.FSharpList<object> args, FSharpFunc<int, FSharpFunc<Microsoft.FSharp.Collections.FSharpList<object>, string>> every)
        {
        }

        public void OnShrink(Microsoft.FSharp.Collections.FSharpList<object> args, FSharpFunc<Microsoft.FSharp.Collections.FSharpList<object>, string> everyShrink)
        {
        }

        public void OnFinished(string name, TestResult testResult) => Result = testResult;
    }
}
