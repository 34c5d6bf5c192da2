namespace PmuConformance.Fuzz.Engine.Harness;

/// <summary>Exit codes of a harness executable.</summary>
internal static class HarnessExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;

    /// <summary>The run saved at least one new finding (fuzz) or an input threw a finding (run).</summary>
    public const int Findings = 3;

    /// <summary>The supervised child hung: its input is saved; the supervisor restarts it.</summary>
    public const int Hang = 86;
}
