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

    /// <summary>
    /// Nothing was checked (every file skipped by the target, every generated scenario not runnable
    /// there): not a pass. The kselftest convention for "skipped", so CI can tell it from green.
    /// </summary>
    public const int NothingChecked = 4;

    /// <summary>Stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it); the seed was printed.</summary>
    public const int Interrupted = 130;
}
