using PmuConformance.Checking.Coverage;
using PmuConformance.Checking.Generation;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Checks;

/// <summary>
/// Two scenarios derived from a generated one whose model transcripts must agree at the listed
/// pairs of steps (left index, right index).
/// </summary>
public sealed record Comparison(Scenario Left, Scenario Right, IReadOnlyList<(int Left, int Right)> Pairs);

/// <summary>
/// A law or metamorphic relation of a target with itself: derive a <see cref="Comparison"/> from the
/// scenario and its transcript, run both sides and compare the paired outcomes. The subject is the
/// reference model (every profile) unless another target is given: a conforming target obeys the
/// same laws, and a broken one shows that the law can fail.
/// </summary>
public abstract class ModelComparisonCheck : IScenarioCheck
{
    private readonly ModelTarget model = new();
    private readonly ITarget? subject;

    protected ModelComparisonCheck(ITarget? subject)
    {
        this.subject = subject;
        Generator = subject is null ? GeneratorOptions.AllProfiles : GeneratorOptions.For(subject, KernelProfile.V7_2);
    }

    /// <summary>The law's short name; the subject's name follows it when the subject is not the model.</summary>
    public string Name => subject is null ? LawName : $"{LawName}-{subject.Name.Replace(':', '-')}";

    protected abstract string LawName { get; }

    /// <summary>The law in words, for failure reports.</summary>
    public abstract string Statement { get; }

    public GeneratorOptions Generator { get; }

    /// <summary>The comparison for this scenario, or null when the law says nothing about it.</summary>
    protected abstract Comparison? Derive(Scenario scenario, Execution transcript);

    public CheckOutcome Check(Scenario scenario)
    {
        var (modelTranscript, rules) = model.ExecuteTraced(scenario);
        var labels = Labels.Of(scenario, modelTranscript, rules);
        var transcript = subject is null ? modelTranscript : subject.Execute(scenario);
        if (transcript.Error is { } invalid)
        {
            return new CheckOutcome(labels, new Disagreement(
                transcript.Outcomes.Count, "a valid step", "scenario error: " + invalid.Reason,
                "the generator produced an invalid scenario", Expectations(transcript)));
        }
        if (Derive(scenario, transcript) is not { } comparison)
        {
            return new CheckOutcome(labels);
        }
        var target = subject ?? model;
        var left = ReferenceEquals(comparison.Left, scenario) ? transcript : target.Execute(comparison.Left);
        var right = target.Execute(comparison.Right);
        var notes = new List<string> { "law: " + Statement, "the other side of the comparison:" };
        notes.AddRange(ScenarioPrinter.Print(comparison.Right, Expectations(right)).TrimEnd().Split('\n').Select(l => "  " + l));
        if ((left.Error ?? right.Error) is { } broken)
        {
            return new CheckOutcome(labels, new Disagreement(
                0, "a valid variant", "scenario error: " + broken.Message,
                $"{Name} derived an invalid scenario", Expectations(left))
            { Shown = comparison.Left, Notes = notes });
        }
        foreach (var (l, r) in comparison.Pairs)
        {
            if (left.Outcomes[l] != right.Outcomes[r])
            {
                // The repro shows the model's values, so that it passes on the model whatever the subject.
                var expectations = subject is null ? left : model.Execute(comparison.Left);
                return new CheckOutcome(labels, new Disagreement(
                    l, left.Outcomes[l].ToString(), $"{right.Outcomes[r]} (step {r + 1} of the other side)",
                    $"{Name}: {target.Name} breaks the law", Expectations(expectations))
                { Shown = comparison.Left, Notes = notes });
            }
        }
        return new CheckOutcome(labels);
    }

    private static IReadOnlyList<Outcome?> Expectations(Execution execution) =>
        execution.Outcomes.Select(o => (Outcome?)o).ToList();
}

/// <summary>Builds a variant of a scenario step by step and remembers which original step each kept step was.</summary>
internal sealed class VariantBuilder(Scenario original)
{
    private readonly List<ScenarioStep> steps = [];
    private readonly List<(int, int)> pairs = [];

    public void Keep(int index, bool compared = true)
    {
        if (compared)
        {
            pairs.Add((index, steps.Count));
        }
        steps.Add(original.Steps[index] with { Expected = null });
    }

    /// <summary>Adds a new step; if <paramref name="sameAs"/> is given, its outcome must equal that original step's.</summary>
    public void Add(Step step, int? sameAs = null)
    {
        if (sameAs is { } index)
        {
            pairs.Add((index, steps.Count));
        }
        steps.Add(new ScenarioStep(step));
    }

    public Comparison Build() => new(original, original.WithSteps(steps), pairs);

    public Scenario BuildScenario() => original.WithSteps(steps);
}
