using PmuConformance.Checking.Generation;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Checks;

/// <summary>A property over generated scenarios: the differential comparison, a law of the model, a metamorphic relation.</summary>
public interface IScenarioCheck
{
    /// <summary>A short name for reports and findings files (<c>differential-emulator</c>, <c>law-pmceid</c>...).</summary>
    string Name { get; }

    /// <summary>What scenarios this check is about (profiles, set-ups the target runs).</summary>
    GeneratorOptions Generator { get; }

    CheckOutcome Check(Scenario scenario);

    /// <summary>
    /// How many scenarios the engine should hand <see cref="CheckAll"/> at once: 1 (the default)
    /// checks one at a time, more when the target pays a start-up per batch (a kernel boot).
    /// </summary>
    int BatchSize => 1;

    /// <summary>Checks several scenarios, one outcome each, in order; a check whose target batches runs them as one batch.</summary>
    IReadOnlyList<CheckOutcome> CheckAll(IReadOnlyList<Scenario> scenarios) => scenarios.Select(Check).ToList();
}

/// <summary>
/// The result of one check on one scenario. <see cref="Labels"/> are the rule ids the model cited
/// and the edge classes the scenario belongs to (the coverage table counts them).
/// </summary>
public sealed record CheckOutcome(IReadOnlySet<string> Labels, Disagreement? Disagreement = null)
{
    public bool Passed => Disagreement is null;

    /// <summary>Why the target could not run the scenario here: nothing was checked, which is no failure either.</summary>
    public string? NotRunnable { get; init; }

    /// <summary>What the target's comparison found (steps checked, not checkable, deviations shown), when it ran.</summary>
    public ComparisonResult? Comparison { get; init; }

    /// <summary>A scenario the target could not run: no labels, since nothing of it was checked.</summary>
    public static CheckOutcome NotRunnableHere(string reason) => new(new HashSet<string>()) { NotRunnable = reason };
}

/// <summary>
/// Why a check failed. <see cref="StepIndex"/> is the first step whose outcome differs (in the
/// checked scenario); <see cref="Expectations"/> are the values to print as <c>-&gt;</c> expectations
/// (the model's: the repro passes on the model and fails on the target).
/// </summary>
public sealed record Disagreement(
    int StepIndex,
    string Expected,
    string Actual,
    string Explanation,
    IReadOnlyList<Outcome?> Expectations)
{
    /// <summary>The scenario the repro file shows, when it is not the checked one (one side of a comparison).</summary>
    public Scenario? Shown { get; init; }

    /// <summary>Extra comment lines for the repro file (a metamorphic variant, for example).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
