namespace PmuConformance.Cli;

/// <summary>What <c>pmuconf</c> returns; every command's help lists the ones it uses.</summary>
public static class ExitCodes
{
    /// <summary>Everything passed (replay) or the explanation was printed (explain).</summary>
    public const int Ok = 0;

    /// <summary>Replay: at least one expectation was not met (or a target crashed on a scenario).</summary>
    public const int Mismatch = 1;

    /// <summary>Bad command line, a missing path, a scenario error or bad filter text.</summary>
    public const int Error = 2;
}
