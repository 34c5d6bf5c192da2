namespace PmuConformance.Checking.Coverage;

/// <summary>The rule ids of behaviour.md, which the reference model cites while it decides.</summary>
public static class RuleIds
{
    public static readonly IReadOnlyList<string> All =
    [
        "U1", "U2", "U3",
        "F1", "F2", "F3", "F4", "F4a", "F4b", "F5", "F6", "F7", "F8", "F9",
        "B1", "B2", "B3", "B4", "B5",
        "E1", "E2", "E3",
        "C1", "C2", "C3", "C4", "C5", "C6", "C7",
        "O1", "O2", "O3",
        "P1", "P2", "P3", "P4", "P5",
        "N1", "N2", "N3", "N4",
        "R1", "R2", "R3", "R4", "R5", "R6",
        "L1", "L2", "L3",
    ];

    /// <summary>The rule ids a coverage run must see at least once.</summary>
    public static IEnumerable<string> Required => All;
}
