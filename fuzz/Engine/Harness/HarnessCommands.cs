namespace PmuConformance.Fuzz.Engine;

/// <summary>The commands of a harness executable (first argument).</summary>
public static class HarnessCommands
{
    /// <summary>List the targets.</summary>
    public const string List = "list";

    /// <summary>Run the target once on an empty input and report its instrumentation.</summary>
    public const string Check = "check";

    /// <summary>In-process fuzzing, supervised: a child process fuzzes and is restarted after a crash or hang.</summary>
    public const string Fuzz = "fuzz";

    /// <summary>Run inputs (files or folders) once each and report exceptions.</summary>
    public const string Run = "run";

    /// <summary>Launch an afl-fuzz campaign (main + secondaries) on this harness.</summary>
    public const string Afl = "afl";

    /// <summary>Internal: the supervised in-process child.</summary>
    public const string FuzzChild = "fuzz-child";

    /// <summary>Internal: the process afl-fuzz starts (SharpFuzz's out-of-process fork server).</summary>
    public const string AflTarget = "afl-target";
}
