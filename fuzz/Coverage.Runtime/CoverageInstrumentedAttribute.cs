namespace PmuConformance.Fuzz.Coverage;

/// <summary>
/// Added by the instrumenter to every assembly it rewrites. It records the map size the block ids
/// were drawn for, so an engine can refuse a map too small for them, and lets an engine tell that
/// the code it fuzzes is instrumented at all.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class CoverageInstrumentedAttribute(int mapSize, int blockCount) : Attribute
{
    /// <summary>Every block id in the assembly is below this size.</summary>
    public int MapSize { get; } = mapSize;

    /// <summary>How many probes were inserted.</summary>
    public int BlockCount { get; } = blockCount;
}
