namespace PmuConformance.SystemUnderTest;

/// <summary>The fields of PMCR_EL0 (behaviour.md R1).</summary>
internal static class PmcrFields
{
    public const ulong E = 1 << 0;
    public const ulong P = 1 << 1;
    public const ulong C = 1 << 2;
    public const ulong LC = 1 << 6;
    public const ulong LP = 1 << 7;

    /// <summary>E, P, C, D, X, DP, LC, LP.</summary>
    public const ulong Writable = 0xFF;

    public const int NShift = 11;
}

/// <summary>The fields of MDCR_EL2 the PMU uses (section 8); the others read as 0.</summary>
internal static class MdcrFields
{
    public const ulong Hpmn = 0x1F;
    public const ulong Hpme = 1UL << 7;
    public const ulong Hpmd = 1UL << 17;
    public const ulong Hlp = 1UL << 26;
}

/// <summary>Counter masks: bit i is counter i, bit 31 the cycle counter.</summary>
internal static class CounterMask
{
    public const int Cycle = 31;
    public const ulong CycleBit = 1UL << Cycle;

    /// <summary>Even counters that may feed a CHAIN neighbour: i even and i + 1 &lt; 31 (C7).</summary>
    public const ulong EvenChainSources = 0x15555555;

    public static ulong Below(int n) => n >= 64 ? ulong.MaxValue : (1UL << n) - 1;
}
