namespace PmuConformance.Scenarios;

/// <summary>
/// The PMUVer field of ID_AA64DFR0_EL1 (bits 11:8). Kept as the raw 4-bit value because the
/// kernel gives every value a meaning, including the reserved ones (behaviour.md E1).
/// </summary>
public static class PmuVersion
{
    public const byte None = 0;
    public const byte Imp = 1;
    public const byte V3P1 = 4;
    public const byte V3P4 = 5;
    public const byte V3P5 = 6;
    public const byte V3P7 = 7;
    public const byte V3P8 = 8;
    public const byte V3P9 = 9;
    public const byte ImpDef = 0xF;

    private static readonly (string Name, byte Value)[] Names =
    [
        ("none", None), ("imp", Imp), ("v3p1", V3P1), ("v3p4", V3P4), ("v3p5", V3P5),
        ("v3p7", V3P7), ("v3p8", V3P8), ("v3p9", V3P9), ("impdef", ImpDef),
    ];

    /// <summary>Accepts a name (<c>v3p5</c>) or a number 0-15.</summary>
    public static bool TryParse(string text, out byte value)
    {
        foreach (var (name, v) in Names)
        {
            if (name == text)
            {
                value = v;
                return true;
            }
        }
        if (Numbers.TryParse(text, out var number) && number <= 0xF)
        {
            value = (byte)number;
            return true;
        }
        value = 0;
        return false;
    }

    public static string Format(byte value)
    {
        foreach (var (name, v) in Names)
        {
            if (v == value)
            {
                return name;
            }
        }
        return value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
