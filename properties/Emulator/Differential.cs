using PmuConformance.Checking.Choices;
using PmuConformance.Checking.Generation;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Emulator;

/// <summary>A scenario on which two targets' transcripts differ, printed so it can be replayed.</summary>
public sealed record Divergence(int Seed, Scenario Scenario, int Step, string Expected, string Actual, string File)
{
    public override string ToString() =>
        $"seed {Seed}: step {Step + 1} ({ScenarioPrinter.StepText(Scenario.Steps[Step].Step)}): "
        + $"model {Expected}, {Actual}\n--- as a .pmu file (expectations are the model's) ---\n{File}";
}

/// <summary>Runs seeded generated scenarios (src/Checking's generator) on the model and on another target and compares transcripts.</summary>
public static class Differential
{
    /// <summary>The first seed in [firstSeed, firstSeed + count) whose transcripts differ, or null.</summary>
    public static Divergence? FirstDivergence(ITarget target, int firstSeed, int count)
    {
        var model = new ModelTarget();
        var options = GeneratorOptions.For(target, KernelProfile.V7_2);
        for (var seed = firstSeed; seed < firstSeed + count; seed++)
        {
            var scenario = ScenarioGenerator.Generate(new RandomChoices((ulong)seed), options, size: 100) with { Source = $"<seed {seed}>" };
            var expected = model.Execute(scenario);
            var actual = target.Execute(scenario);
            var step = expected.FirstDifference(actual);
            if (step >= 0)
            {
                return Describe(seed, scenario, expected, actual, target.Name, step);
            }
        }
        return null;
    }

    /// <summary>The scenario up to the first differing step, every step expecting what the model produced.</summary>
    private static Divergence Describe(int seed, Scenario scenario, Execution expected, Execution actual, string name, int step)
    {
        var upTo = scenario.WithSteps(scenario.Steps.Take(step + 1).ToList()) with
        {
            Comments = [$"model and {name} differ at the last step (seed {seed}): {name} gave {actual.Describe(step)}"],
        };
        var file = ScenarioPrinter.Print(upTo, expected.Outcomes.Take(step + 1).Select(o => (Outcome?)o).ToList());
        return new Divergence(seed, scenario, step, expected.Describe(step), $"{name} {actual.Describe(step)}", file);
    }
}
