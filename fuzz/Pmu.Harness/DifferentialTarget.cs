using PmuConformance.Checking.Checks;
using PmuConformance.Fuzz.Engine;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Fuzz.Pmu;

/// <summary>
/// The differential target: bytes → a valid 7.2 scenario (<see cref="ScenarioDecoder"/>) → the
/// model's and the target's transcripts, judged as <c>pmuconf check</c> judges them
/// (<see cref="DifferentialCheck.Judge"/>); a disagreement is thrown as a <see cref="DivergenceException"/>.
/// Every other exception (the generator, the model or the target failing) is a finding as well.
/// </summary>
public sealed class DifferentialTarget(ITarget against)
{
    private static readonly IReadOnlySet<string> NoLabels = new HashSet<string>();

    private readonly ModelTarget model = new();
    private readonly DifferentialCheck check = new(against);

    public ITarget Against => against;

    public ScenarioDecoder Decoder { get; } = ScenarioDecoder.For(against);

    public void Run(ReadOnlySpan<byte> input)
    {
        var (scenario, expected) = Decoder.DecodeWithModelTranscript(input);
        Check(scenario, expected);
    }

    /// <summary>Throws if the model and the target disagree on <paramref name="scenario"/>.</summary>
    public void Check(Scenario scenario) => Check(scenario, model.Execute(scenario));

    private void Check(Scenario scenario, Execution expected)
    {
        if (expected.Error is { } invalid)
        {
            throw new InvalidOperationException($"the generator produced a scenario the model refuses: {invalid.Message}");
        }
        var actual = against.Execute(scenario);
        // No coverage labels: the fuzzer measures coverage by its own instrumentation.
        if (check.Judge(scenario, expected, actual, NoLabels).Disagreement is { } disagreement)
        {
            throw new DivergenceException(scenario, disagreement.StepIndex, expected, actual, against.Name);
        }
    }

    /// <summary>The model's transcript, for the expectations of a repro file.</summary>
    public Execution Expected(Scenario scenario) => model.Execute(scenario);
}

/// <summary>The model and a target produced different transcripts: the finding of the differential target.</summary>
public sealed class DivergenceException(Scenario scenario, int stepIndex, Execution expected, Execution actual, string target)
    : Exception($"model and {target} differ at step {stepIndex + 1} ({StepName(scenario, stepIndex)}): expected {expected.Describe(stepIndex)}, got {actual.Describe(stepIndex)}"),
    IFindingSignature
{
    public Scenario Scenario => scenario;

    public int StepIndex => stepIndex;

    public string Expected => expected.Describe(stepIndex);

    public string Actual => actual.Describe(stepIndex);

    /// <summary>
    /// The kind of step (and register) that differs and the kinds of the two outcomes: coarse
    /// enough that one defect gives a handful of findings, fine enough that two defects showing at
    /// different registers are both kept.
    /// </summary>
    public string FindingSignature =>
        $"{StepKind(scenario, stepIndex)}: {Kind(expected, stepIndex)} vs {Kind(actual, stepIndex)}";

    private static string StepName(Scenario scenario, int index) =>
        index < scenario.Steps.Count ? ScenarioPrinter.StepText(scenario.Steps[index].Step) : "end of scenario";

    private static string StepKind(Scenario scenario, int index) => index < scenario.Steps.Count
        ? scenario.Steps[index].Step switch
        {
            ReadStep r => $"read {r.Register.Kind}",
            WriteStep w => $"write {w.Register.Kind}",
            var s => s.GetType().Name,
        }
        : "end";

    private static string Kind(Execution execution, int index) =>
        index < execution.Outcomes.Count ? execution.Outcomes[index].Kind.ToString()
        : execution.Error is not null ? "scenario error" : "not reached";
}
