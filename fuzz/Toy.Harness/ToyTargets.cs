using PmuConformance.Fuzz.Engine;

namespace PmuConformance.Fuzz.Toy.Harness;

/// <summary>The toy's fuzz targets, also usable from tests (see <see cref="ToySelfTest"/>).</summary>
public static class ToyTargets
{
    /// <summary>Three nested one-byte compares ("PMU"): found by coverage alone.</summary>
    public static FuzzTargetDefinition NestedMagic { get; } = new("magic", Toy.NestedMagic.Check)
    {
        Description = "3-byte nested magic compare (ToyBugException)",
    };

    /// <summary>One 32-bit compare: found only with a dictionary holding the constant (--dict).</summary>
    public static FuzzTargetDefinition WideMagic { get; } = new("magic32", Toy.WideMagic.Check)
    {
        Description = "32-bit magic compare, needs a dictionary with the constant (ToyBugException)",
    };

    /// <summary>A frame parser; FormatException is an expected rejection, anything else a bug.</summary>
    public static FuzzTargetDefinition Parser { get; } = new("parser", input => RecordParser.Parse(input))
    {
        IsFinding = e => e is not FormatException,
        Description = "TLV frame parser; FormatException is a rejection, IndexOutOfRange a bug",
    };

    /// <summary>Inputs that kill the process: "SO" (StackOverflow) and "HANG" (endless loop).</summary>
    public static FuzzTargetDefinition ProcessKillers { get; } = new("killers", Toy.ProcessKillers.Check)
    {
        Description = "'SO' overflows the stack, 'HANG' never returns",
    };

    public static IReadOnlyList<FuzzTargetDefinition> All { get; } = [NestedMagic, WideMagic, Parser, ProcessKillers];
}
