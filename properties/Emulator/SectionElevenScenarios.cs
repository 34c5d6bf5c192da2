namespace PmuConformance.Properties.Emulator;

/// <summary>
/// One scenario per defect of behaviour.md section 11, with the values the rules give (the model
/// produces the same; a test checks that). A correct partitioned PMU meets every expectation; the
/// defect it is named after breaks at least one.
/// </summary>
public static class SectionElevenScenarios
{
    /// <summary>Defect 1: an allowed event programmed with EL bits must still find its filter bit (B5, E2).</summary>
    public const string LookupUsesEventNumber = """
        profile 7.2
        host qemu-max
        vm vcpus=1
        filter allow 0x11 1           -> ok
        init                          -> ok
        run                           -> ok
        write pmevtyper0 0x08000011   -> ok
        write pmevcntr0 0             -> ok
        write pmcntenset 0x1          -> ok
        write pmcr 0x1                -> ok
        events cpu_cycles 100 at el1
        read pmevcntr0                -> 0x64
        """;

    /// <summary>Defect 2: a filtered counter must not count at EL0 or EL1 (C2, C4: P == NSK counts).</summary>
    public const string ExcludeMeansNoCount = """
        profile 7.2
        host qemu-max
        vm vcpus=1 el3=on
        filter deny 0x11 1            -> ok
        init                          -> ok
        run                           -> ok
        write pmevtyper0 0x11         -> ok
        write pmevcntr0 0             -> ok
        write pmcntenset 0x1          -> ok
        write pmcr 0x1                -> ok
        events cpu_cycles 100 at el1
        events cpu_cycles 100 at el0
        read pmevcntr0                -> 0x0
        read pmevtyper0               -> 0x11
        """;

    /// <summary>Defect 3: at vEL2 a counter with P set but NSH set counts (C4, N2).</summary>
    public const string Vel2FollowsNsh = """
        profile 7.2
        host qemu-max
        vm vcpus=1 nested=on el2=on
        init                          -> ok
        run                           -> ok
        write pmevtyper0 0x88000011   -> ok
        write pmevcntr0 0             -> ok
        write pmcntenset 0x1          -> ok
        write pmcr 0x1                -> ok
        events cpu_cycles 100 at el2
        read pmevcntr0                -> 0x64
        """;

    /// <summary>Defect 4: at vEL2 a counter with P and NSH both clear does not count (C4, N2).</summary>
    public const string Vel2WithoutNshDoesNotCount = """
        profile 7.2
        host qemu-max
        vm vcpus=1 nested=on el2=on
        init                          -> ok
        run                           -> ok
        write pmevtyper0 0x11         -> ok
        write pmevcntr0 0             -> ok
        write pmcntenset 0x1          -> ok
        write pmcr 0x1                -> ok
        events cpu_cycles 100 at el2
        read pmevcntr0                -> 0x0
        """;

    /// <summary>Defect 5: leaving vEL2 without a vcpu_load must switch the EL1 decision (N2).</summary>
    public const string HypExitRederives = """
        profile 7.2
        host qemu-max
        vm vcpus=1 nested=on el2=on
        init                          -> ok
        run                           -> ok
        write pmevtyper0 0x88000011   -> ok
        write pmevcntr0 0             -> ok
        write pmcntenset 0x1          -> ok
        write pmcr 0x1                -> ok
        events cpu_cycles 100 at el2
        exit-hyp
        events cpu_cycles 100 at el1
        read pmevcntr0                -> 0x64
        enter-hyp
        events cpu_cycles 100 at el2
        read pmevcntr0                -> 0xc8
        """;

    /// <summary>Defect 6: under a default-deny filter SW_INCR and CHAIN counters still count (C6, C7).</summary>
    public const string SoftwareCountersUnfiltered = """
        profile 7.2
        host qemu-max
        vm vcpus=1
        filter allow 0x11 1           -> ok
        init                          -> ok
        run                           -> ok
        write pmevtyper0 0x0          -> ok
        write pmevcntr0 0             -> ok
        write pmevtyper2 0x11         -> ok
        write pmevcntr2 0xffffffff    -> ok
        write pmevtyper3 0x1e         -> ok
        write pmevcntr3 0             -> ok
        write pmcntenset 0xd          -> ok
        write pmcr 0x1                -> ok
        swinc 0x1                     -> ok
        events cpu_cycles 1 at el1
        read pmevcntr0                -> 0x1
        read pmevcntr2                -> 0x100000000
        read pmevcntr3                -> 0x1
        read pmceid0                  -> 0x20000
        """;

    public static readonly IReadOnlyList<(int Defect, string Text)> All =
    [
        (1, LookupUsesEventNumber),
        (2, ExcludeMeansNoCount),
        (3, Vel2FollowsNsh),
        (4, Vel2WithoutNshDoesNotCount),
        (5, HypExitRederives),
        (6, SoftwareCountersUnfiltered),
    ];
}
