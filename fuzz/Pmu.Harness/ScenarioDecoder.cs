using PmuConformance.Checking.Choices;
using PmuConformance.Checking.Generation;
using PmuConformance.Scenarios;

namespace PmuConformance.Fuzz.Pmu;

/// <summary>
/// Structure-aware decoding for the differential target: the fuzzer's bytes are the choices of the
/// property suite's <see cref="ScenarioGenerator"/> (<see cref="ByteChoices"/>), so every byte
/// string is a valid scenario and no execution is spent on inputs the targets would refuse.
/// </summary>
public sealed class ScenarioDecoder(GeneratorOptions options, int size = ScenarioDecoder.DefaultSize)
{
    /// <summary>
    /// The generator's size parameter (0-100). 30 gives 9 to 28 steps (19 on average, plus final
    /// reads): about twice as many executions per second as size 50 (35 steps on average), and
    /// still longer than the shrunk repros of every defect seen so far. The cost of an execution is
    /// mostly the model, which runs once, inside the generator (to choose valid steps); its
    /// transcript is the expected one.
    /// </summary>
    public const int DefaultSize = 30;

    public GeneratorOptions Options => options;

    /// <summary>Decoder for the scenarios <c>pmuconf check</c> generates for <paramref name="target"/> (profile 7.2 set-ups it runs).</summary>
    public static ScenarioDecoder For(ITarget target) => new(GeneratorOptions.For(target));

    public Scenario Decode(ReadOnlySpan<byte> input) => DecodeWithModelTranscript(input).Scenario;

    /// <summary>The scenario and the model's transcript, which the generator computes while decoding.</summary>
    public (Scenario Scenario, Execution Model) DecodeWithModelTranscript(ReadOnlySpan<byte> input)
    {
        var (scenario, model) = ScenarioGenerator.GenerateWithModelTranscript(new ByteChoices(input.ToArray()), options, size);
        return (scenario with { Source = "<fuzz input>" }, model);
    }

    /// <summary>
    /// The bytes that decode to the scenario the generator makes from <paramref name="choices"/>:
    /// used to turn seeded random scenarios into seeds for the fuzzer.
    /// </summary>
    public (Scenario Scenario, byte[] Bytes) Record(IChoiceSource choices)
    {
        var recorder = new RecordingChoices(choices);
        var scenario = ScenarioGenerator.Generate(recorder, options, size);
        return (scenario, recorder.Bytes());
    }
}

/// <summary>
/// Passes every choice through and writes it down in <see cref="ByteChoices"/>' encoding (as many
/// big-endian bytes as the bound needs), so that decoding the bytes makes the same choices again.
/// </summary>
public sealed class RecordingChoices(IChoiceSource inner) : IChoiceSource
{
    private readonly List<byte> bytes = [];

    public ulong NextBelow(ulong bound)
    {
        var value = inner.NextBelow(bound);
        if (bound <= 1)
        {
            return value;
        }
        var width = 0;
        for (var range = bound - 1; range != 0; range >>= 8)
        {
            width++;
        }
        for (var i = width - 1; i >= 0; i--)
        {
            bytes.Add((byte)(value >> (8 * i)));
        }
        return value;
    }

    public byte[] Bytes() => [.. bytes];
}
