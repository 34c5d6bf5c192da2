using PmuConformance.Checking.Choices;
using PmuConformance.Checking.Generation;
using PmuConformance.Checking.Shrinking;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties;

/// <summary>The generator's and shrinker's promises: valid scenarios only, printable, reusable from bytes.</summary>
public sealed class GeneratorTests
{
    private static readonly ScenarioValidity Validity = new();

    [Fact]
    public void Generated_scenarios_are_valid_and_round_trip_through_the_printer()
    {
        for (var seed = 0UL; seed < 500; seed++)
        {
            var scenario = ScenarioGenerator.Generate(new RandomChoices(seed), GeneratorOptions.AllProfiles, (int)(seed % 101));
            Validity.WhyInvalid(scenario).ShouldBeNull($"seed {seed}");
            var reparsed = ScenarioParser.Parse(ScenarioPrinter.Print(scenario), "generated.pmu");
            reparsed.SameAs(scenario).ShouldBeTrue($"seed {seed}");
        }
    }

    [Fact]
    public void Any_bytes_decode_to_a_valid_scenario()
    {
        var random = new Random(42);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            var scenario = ScenarioGenerator.Generate(new ByteChoices(bytes), GeneratorOptions.AllProfiles, 100);
            Validity.WhyInvalid(scenario).ShouldBeNull($"input {i}");
        }
        var empty = ScenarioGenerator.Generate(new ByteChoices(Array.Empty<byte>()), GeneratorOptions.AllProfiles, 100);
        Validity.WhyInvalid(empty).ShouldBeNull();
    }

    [Fact]
    public void The_generators_model_transcript_is_the_models_execution()
    {
        var model = new ModelTarget();
        for (ulong seed = 0; seed < 300; seed++)
        {
            var (scenario, transcript) = ScenarioGenerator.GenerateWithModelTranscript(new RandomChoices(seed), GeneratorOptions.AllProfiles, size: 100);
            transcript.FirstDifference(model.Execute(scenario)).ShouldBe(-1, $"seed {seed}");
        }
    }

    [Fact]
    public void The_same_seed_generates_the_same_scenario()
    {
        var a = ScenarioGenerator.Generate(new RandomChoices(99), GeneratorOptions.AllProfiles, 50);
        var b = ScenarioGenerator.Generate(new RandomChoices(99), GeneratorOptions.AllProfiles, 50);
        a.SameAs(b).ShouldBeTrue();
    }

    [Fact]
    public void Emulator_options_generate_only_runnable_set_ups()
    {
        var emulator = new PmuConformance.SystemUnderTest.EmulatorTarget();
        var options = GeneratorOptions.For(emulator, KernelProfile.V7_2);
        for (var seed = 0UL; seed < 200; seed++)
        {
            ScenarioGenerator.Generate(new RandomChoices(seed), options, 100).Setup.Profile.ShouldBe(KernelProfile.V7_2);
        }
    }

    [Fact]
    public void Shrink_candidates_are_valid_and_smaller()
    {
        var shrinker = new ScenarioShrinker(Validity);
        for (var seed = 0UL; seed < 20; seed++)
        {
            var scenario = ScenarioGenerator.Generate(new RandomChoices(seed), GeneratorOptions.AllProfiles, 60);
            foreach (var candidate in shrinker.Shrink(scenario).Take(200))
            {
                new ModelTarget().Execute(candidate).Error.ShouldBeNull();
                candidate.SameAs(scenario).ShouldBeFalse();
                candidate.Steps.Count.ShouldBeLessThanOrEqualTo(scenario.Steps.Count);
            }
        }
    }

    [Fact]
    public void Merging_a_vcpu_into_vcpu_0_keeps_its_steps()
    {
        var setup = Setup.Default with { Vm = new VmSpec(Vcpus: 3) };
        var scenario = Scenario.Of(setup, new InitStep(1), new RunStep(1), new ReadStep(2, Register.Pmcr));

        var merged = ScenarioShrinker.MergedIntoVcpu0(scenario, 1);

        merged.Setup.Vm.Vcpus.ShouldBe(2);
        merged.Steps.Select(s => s.Step).ShouldBe([new InitStep(0), new RunStep(0), new ReadStep(1, Register.Pmcr)]);
    }
}
