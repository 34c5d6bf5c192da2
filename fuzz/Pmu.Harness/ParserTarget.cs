using System.Text;
using PmuConformance.Scenarios;

namespace PmuConformance.Fuzz.Pmu;

/// <summary>
/// The parser target: bytes as the text of a .pmu file (UTF-8, as File.ReadAllText reads it).
/// Bad text may only be refused with a <see cref="ScenarioException"/> (file:line and a reason);
/// anything else escaping the parser is a finding. Text that parses must also survive the
/// printer's round trip (print, parse again, same scenario), which the language promises.
/// </summary>
public static class ParserTarget
{
    public const string Source = "<fuzz>.pmu";

    public static void Run(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetString(input);
        var scenario = ScenarioParser.Parse(text, Source);
        var printed = ScenarioPrinter.Print(scenario);
        Scenario again;
        try
        {
            again = ScenarioParser.Parse(printed, Source);
        }
        catch (ScenarioException e)
        {
            throw new RoundTripException($"the printed scenario does not parse: {e.Message}\n{printed}");
        }
        if (!again.SameAs(scenario))
        {
            throw new RoundTripException($"the printed scenario parses to a different one:\n{printed}");
        }
    }

    /// <summary>Refusals (a <see cref="ScenarioException"/>) are the parser's job, not findings.</summary>
    public static bool IsFinding(Exception e) => e is not ScenarioException;
}

/// <summary>Printing a parsed scenario and parsing it again did not give the same scenario.</summary>
public sealed class RoundTripException(string message) : Exception(message);
