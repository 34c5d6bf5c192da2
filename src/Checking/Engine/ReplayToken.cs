using System.Globalization;

namespace PmuConformance.Checking.Engine;

/// <summary>
/// What reproduces one generated case: FsCheck's random state (seed and gamma) and size, printed as
/// <c>seed:gamma:size</c> in hex, hex, decimal (<c>--seed</c> accepts it). FsCheck's own form,
/// <c>(seed,gamma,size)</c> in decimal (its "Replay directly at failing step with" line and
/// FsCheck.Xunit's <c>[Property(Replay = "seed,gamma,size")]</c>), is accepted too.
/// </summary>
public sealed record ReplayToken(ulong Seed, ulong Gamma, int Size)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Seed:x}:{Gamma:x}:{Size}");

    /// <summary>FsCheck's form, as <c>[Property(Replay = ...)]</c> takes it: <c>seed,gamma,size</c> in decimal.</summary>
    public string FsCheckForm => string.Create(CultureInfo.InvariantCulture, $"{Seed},{Gamma},{Size}");

    public static bool TryParse(string text, out ReplayToken? token) =>
        TryParseHex(text, out token) || TryParseFsCheck(text, out token);

    private static bool TryParseFsCheck(string text, out ReplayToken? token)
    {
        token = null;
        var parts = text.Trim().Trim('(', ')').Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 3
            && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seed)
            && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var gamma)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            && gamma % 2 == 1)
        {
            token = new ReplayToken(seed, gamma, size);
            return true;
        }
        return false;
    }

    private static bool TryParseHex(string text, out ReplayToken? token)
    {
        token = null;
        var parts = text.Split(':');
        if (parts.Length == 3
            && ulong.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var seed)
            && ulong.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var gamma)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            && gamma % 2 == 1)
        {
            token = new ReplayToken(seed, gamma, size);
            return true;
        }
        return false;
    }

    /// <summary>A master seed: decimal or 0x hex.</summary>
    public static bool TryParseSeed(string text, out ulong seed) => Scenarios.Numbers.TryParse(text, out seed);
}
