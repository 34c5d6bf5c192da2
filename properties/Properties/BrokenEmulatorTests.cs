using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Engine;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using Xunit.Abstractions;

namespace PmuConformance.Properties;

/// <summary>
/// The properties can fail: the differential engine, run against emulators broken on purpose, finds
/// a counterexample, shrinks it to a short repro that passes on the model and fails on the broken
/// target, and its replay seed reproduces it.
/// </summary>
public sealed class BrokenEmulatorTests(ITestOutputHelper output) : IDisposable
{
    // Repro files go to a folder of this test's own, removed afterwards: CI leaves nothing in /tmp.
    private readonly Cli.TempDirectory findings = new();

    public void Dispose() => findings.Dispose();

    public static TheoryData<string> Broken => ["swincr-obeys-filter", "no-hyp-reprogram", "exclude-sets-ns"];

    private static ITarget Create(string name) => name switch
    {
        "swincr-obeys-filter" => BrokenEmulators.SoftwareIncrementObeysFilter(),
        "no-hyp-reprogram" => BrokenEmulators.NoReprogramOnHypTransition(),
        _ => BrokenEmulators.ExcludeSetsNsBits(),
    };

    private EngineSettings Settings(ulong seed) => new()
    {
        Seed = seed,
        Duration = TimeSpan.FromSeconds(60), // an upper bound: each is found within the first thousand cases
        FindingsDirectory = findings.Path,
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Differential_engine_finds_and_shrinks_the_defect(string name)
    {
        var broken = Create(name);
        var result = PropertyEngine.Run(new DifferentialCheck(broken), Settings(0x5eed));
        output.WriteLine(result.Summary());

        var counterexample = result.Counterexample.ShouldNotBeNull($"{name} was not caught");
        output.WriteLine(counterexample.Report());
        counterexample.ShrunkSteps.ShouldBeLessThanOrEqualTo(10);

        // The repro file reads back, passes on the model and fails on the broken target.
        var repro = ScenarioParser.Parse(counterexample.Text, "repro.pmu");
        var onModel = new ModelTarget().Execute(repro);
        onModel.Error.ShouldBeNull();
        ExpectationCheck.Mismatches(repro, onModel).ShouldBeEmpty();
        var onBroken = broken.Execute(repro);
        ExpectationCheck.Mismatches(repro, onBroken).ShouldNotBeEmpty();
        ExpectationCheck.Mismatches(repro, onBroken)[0].Line.ShouldBe(counterexample.FirstDifferenceLine);
        File.ReadAllText(counterexample.FindingsPath!).ShouldBe(counterexample.Text);
    }

    [Fact]
    public void Replay_token_reproduces_the_failing_case()
    {
        var broken = BrokenEmulators.SoftwareIncrementObeysFilter();
        var first = PropertyEngine.Run(new DifferentialCheck(broken), Settings(0xbad));
        var token = first.Counterexample.ShouldNotBeNull().Replay.ShouldNotBeNull();

        var replayed = PropertyEngine.Run(new DifferentialCheck(broken), Settings(0) with { Replay = token });

        replayed.Cases.ShouldBe(1);
        var again = replayed.Counterexample.ShouldNotBeNull();
        again.Original.SameAs(first.Counterexample!.Original).ShouldBeTrue();
        again.Text.ShouldBe(first.Counterexample.Text);
    }

    [Fact]
    public void Laws_fail_on_a_broken_emulator()
    {
        // C6: without hardware events the filter must not matter; this emulator lets it stop SW_INCR.
        var law = new SoftwareCountingIgnoresFilter(BrokenEmulators.SoftwareIncrementObeysFilter());
        var result = PropertyEngine.Run(law, Settings(0x1a3) with { FindingsDirectory = null });
        output.WriteLine(result.Summary());
        var counterexample = result.Counterexample.ShouldNotBeNull();
        output.WriteLine(counterexample.Report());
    }

    [Fact]
    public void Laws_hold_on_the_emulator()
    {
        var emulator = new PmuConformance.SystemUnderTest.EmulatorTarget();
        foreach (var law in ModelLaws.All(emulator).Concat(MetamorphicRelations.All(emulator)))
        {
            var result = PropertyEngine.Run(law, new EngineSettings { Seed = 7, Cases = 400 });
            output.WriteLine(result.Summary());
            result.Counterexample.ShouldBeNull(result.Counterexample?.Report());
        }
    }
}
