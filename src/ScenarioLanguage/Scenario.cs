namespace PmuConformance.Scenarios;

/// <summary>A step as it stands in a scenario: the step, its expectation if any, and its source line.</summary>
/// <param name="Line">1-based line in the source file; 0 for a generated step.</param>
/// <param name="Expected">The <c>-&gt;</c> expectation, or null when the step is not checked.</param>
public sealed record ScenarioStep(Step Step, Outcome? Expected = null, int Line = 0);

/// <summary>A set-up and its steps: the unit every target executes.</summary>
public sealed record Scenario(Setup Setup, IReadOnlyList<ScenarioStep> Steps)
{
    /// <summary>Where the scenario came from (a file path, or a description of a generated case).</summary>
    public string Source { get; init; } = "<scenario>";

    /// <summary>Leading <c>#</c> comment lines, kept so that printing a parsed file keeps its description.</summary>
    public IReadOnlyList<string> Comments { get; init; } = [];

    public static Scenario Of(Setup setup, params Step[] steps) =>
        new(setup, steps.Select(s => new ScenarioStep(s)).ToList());

    /// <summary>The same scenario with other steps (set-up, source and comments kept).</summary>
    public Scenario WithSteps(IReadOnlyList<ScenarioStep> steps) => this with { Steps = steps };

    /// <summary>Structural equality: same set-up, same steps and expectations (lines and comments ignored).</summary>
    public bool SameAs(Scenario other) =>
        Setup == other.Setup
        && Steps.Count == other.Steps.Count
        && Steps.Zip(other.Steps).All(p => p.First.Step == p.Second.Step && p.First.Expected == p.Second.Expected);

    /// <summary>"file:line" of a step, for messages.</summary>
    public string Where(int stepIndex) =>
        stepIndex >= 0 && stepIndex < Steps.Count && Steps[stepIndex].Line > 0
            ? $"{Source}:{Steps[stepIndex].Line}"
            : $"{Source}: step {stepIndex + 1}";
}
