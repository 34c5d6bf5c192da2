namespace PmuConformance.Properties.Cli;

/// <summary>Scenario files the replay tests write into temporary folders.</summary>
internal static class ReplayExamples
{
    /// <summary>
    /// Passes on the model: denying CPU_CYCLES hides it from PMCEID0 (C2, P4). The value is from
    /// kernel-oracle.md (7.2, qemu-max): PMCEID0 = 0x40000101.
    /// </summary>
    public const string Passing = """
        # rules: C2 P4 (denying CPU_CYCLES hides it from PMCEID0)
        profile 7.2
        host qemu-max

        filter deny 0x11 1    -> ok
        init                  -> ok
        run                   -> ok
        read pmceid0          -> 0x40000101
        """;
}
