using System.Runtime.CompilerServices;

namespace PmuConformance.SystemUnderTest;

/// <summary>
/// One 64-bit value per counter index (0-30 event counters, 31 the cycle counter), stored inline
/// in its owner so that a VM costs a few allocations, not one per register file.
/// </summary>
[InlineArray(32)]
internal struct PerCounter
{
    private ulong element;
}
