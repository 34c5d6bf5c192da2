namespace PmuConformance.ReferenceModel;

/// <summary>The fields of PMEVTYPER&lt;n&gt;_EL0 and PMCCFILTR_EL0 (C4, R2).</summary>
public static class EventTypeBits
{
    public const ulong P = 1UL << 31;
    public const ulong U = 1UL << 30;
    public const ulong Nsk = 1UL << 29;
    public const ulong Nsu = 1UL << 28;
    public const ulong Nsh = 1UL << 27;
    public const ulong M = 1UL << 26;

    public static bool IsSet(ulong value, ulong bit) => (value & bit) != 0;
}

/// <summary>The fields of PMCR_EL0 (R1).</summary>
public static class PmcrBits
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

/// <summary>The fields of MDCR_EL2 that the PMU uses (section 8). Other bits are not modelled and read as 0.</summary>
public static class MdcrBits
{
    public const ulong HpmnMask = 0x1F;
    public const ulong Hpme = 1UL << 7;
    public const ulong Hpmd = 1UL << 17;
    public const ulong Hlp = 1UL << 26;
}
