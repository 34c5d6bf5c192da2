using System.Globalization;

namespace PmuConformance.Scenarios;

/// <summary>Numbers in the scenario language: decimal or <c>0x</c> hexadecimal, up to 64 bits.</summary>
public static class Numbers
{
    public static bool TryParse(string text, out ulong value)
    {
        if (text.StartsWith("0x", StringComparison.Ordinal) || text.StartsWith("0X", StringComparison.Ordinal))
        {
            var digits = text.AsSpan(2);
            value = 0;
            return digits.Length is > 0 and <= 16
                && ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }
        value = 0;
        return text.Length > 0 && text.All(char.IsAsciiDigit)
            && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    public static string Decimal(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
