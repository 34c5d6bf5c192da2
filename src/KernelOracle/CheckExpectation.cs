using System.Globalization;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>
/// The CHECK expectation forms of probe/check.c, read on the C# side: the same rule as the C
/// function <c>meets</c>, so that a report says per line what the reproducer will say.
/// </summary>
public static class CheckExpectation
{
    /// <summary>
    /// The expectation with a <c>=k</c> form (the value step <paramref name="stepIndex"/> k read, for a
    /// counter that has stopped since) replaced by that step's observed value, or "-" (never met)
    /// when step k has no value.
    /// </summary>
    public static string? Resolve(string? expectation, Func<int, Outcome?> observedAt) =>
        expectation is ['=', .. var step] && int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            ? observedAt(k) is { Kind: OutcomeKind.Value } value ? Numbers.Hex(value.Value) : "-"
            : expectation;

    /// <summary>Does <paramref name="observed"/> meet <paramref name="expectation"/>? "-" and a missing result never do.</summary>
    public static bool Meets(string? expectation, Outcome? observed)
    {
        if (expectation is null or "-" || observed is not { } got || got.Kind == OutcomeKind.Nothing)
        {
            return false;
        }
        if (expectation.StartsWith('!'))
        {
            return got.Kind == OutcomeKind.Value && Numbers.TryParse(expectation[1..], out var last) && got.Value != last;
        }
        if (expectation.Split('/') is [var value, var mask])
        {
            return got.Kind == OutcomeKind.Value && Numbers.TryParse(value, out var v) && Numbers.TryParse(mask, out var m)
                && (got.Value & m) == (v & m);
        }
        if (Numbers.TryParse(expectation, out var exact))
        {
            return got.Kind == OutcomeKind.Value && got.Value == exact;
        }
        return got.ToString() == expectation;
    }

    /// <summary>An expectation for people, as check.c prints it.</summary>
    public static string Describe(string expectation) =>
        expectation.StartsWith('!') ? $"a value other than {expectation[1..]} (it counts)"
        : expectation.StartsWith('=') ? $"the value step {expectation[1..]} read (it has stopped)"
        : expectation.Split('/') is [var value, var mask] ? $"{value} in the bits {mask}"
        : expectation;
}
