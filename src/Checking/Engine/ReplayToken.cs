using System.Globalization;

namespace PmuConformance.Checking.Engine;

/// <summary>
/// What reproduces one generated case: FsCheck's random state (seed and gamma) and size, printed as
/// <c>seed:gamma:size</c> in hex, hex, decimal (<c>--seed</c> accepts it).
/// </summary>
public sealed record ReplayToken(ulong Seed, ulong Gamma, int Size)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Seed:x}:{Gamma:x}:{Size}");

    public static bool TryParse(string text, out ReplayToken? token)
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
