namespace PmuConformance.Scenarios;

/// <summary>
/// The physical PMU (the <c>host</c> set-up line). Presets name hosts the kernel oracle can
/// really boot; their values are what QEMU shows (scenario-language.md, kernel-oracle.md).
/// </summary>
/// <param name="PmuVer">The host PMU's PMUVer (a raw 4-bit value, see <see cref="PmuVersion"/>).</param>
/// <param name="Counters">Event counters the host implements (PMCR_EL0.N), 0-31.</param>
/// <param name="Pmceid0">The host's PMCEID0_EL0.</param>
/// <param name="Pmceid1">The host's PMCEID1_EL0.</param>
/// <param name="AArch32">Whether the host supports AArch32 at EL0 (PMCR.LC reads 1 when not, O2).</param>
/// <param name="Pmus">How many host PMUs there are (SET_PMU ids 0 .. Pmus-1, L3).</param>
/// <param name="PmcrId">The host's PMCR_EL0 IMP and IDCODE bits (31:16), shown by profile 6.1 (R1).</param>
public sealed record HostSpec(
    byte PmuVer,
    int Counters,
    ulong Pmceid0,
    ulong Pmceid1,
    bool AArch32 = true,
    int Pmus = 1,
    uint PmcrId = 0x41010000)
{
    /// <summary>QEMU <c>-cpu max,pauth=off -icount shift=0</c>.</summary>
    public static readonly HostSpec QemuMax = new(PmuVersion.V3P5, 6, 0x20101, 0x10000018);

    /// <summary>QEMU <c>-cpu cortex-a57 -icount shift=0</c>.</summary>
    public static readonly HostSpec QemuA57 = new(PmuVersion.Imp, 6, 0x20101, 0);

    /// <summary>QEMU 10 <c>-cpu neoverse-n1</c>: PMUv3p1 (observed on 6.1, 6.12, 7.2; PMCR id 0x410c).</summary>
    public static readonly HostSpec QemuN1 = new(PmuVersion.V3P1, 6, 0x20101, 0x18, PmcrId: 0x410C0000);

    /// <summary>QEMU 10 <c>-cpu neoverse-v1</c>: PMUv3p4 (PMCR id 0x4121).</summary>
    public static readonly HostSpec QemuV1 = new(PmuVersion.V3P4, 6, 0x20101, 0x10000018, PmcrId: 0x41210000);

    /// <summary>QEMU 10 <c>-cpu cortex-a710</c>: PMUv3p5 with 20 counters (PMCR id bits 0).</summary>
    public static readonly HostSpec QemuA710 = new(PmuVersion.V3P5, 20, 0x20101, 0x10000018, PmcrId: 0);

    /// <summary>QEMU 10 <c>-cpu a64fx</c>: PMUv3p1, 8 counters, no AArch32 at EL0 (PMCR.LC reads 1, O2; PMCR id 0x4601).</summary>
    public static readonly HostSpec QemuA64fx = new(PmuVersion.V3P1, 8, 0x20101, 0x18, AArch32: false, PmcrId: 0x46010000);

    public static readonly IReadOnlyList<(string Name, HostSpec Host)> Presets =
        [("qemu-max", QemuMax), ("qemu-a57", QemuA57), ("qemu-n1", QemuN1), ("qemu-v1", QemuV1), ("qemu-a710", QemuA710), ("qemu-a64fx", QemuA64fx)];

    /// <summary>The preset's name if this host equals one, else null.</summary>
    public string? PresetName => Presets.FirstOrDefault(p => p.Host == this).Name;
}

/// <summary>The <c>vm</c> set-up line.</summary>
/// <param name="Vcpus">Number of vCPUs, 1-4.</param>
/// <param name="Nested">A guest hypervisor: vCPUs run in a hyp context (vEL2) first (section 8).</param>
/// <param name="El2">Whether the guest's ID_AA64PFR0_EL1.EL2 is non-zero (R2: NSH is stored).</param>
/// <param name="El3">Whether the guest's ID_AA64PFR0_EL1.EL3 is non-zero (R2: NSK, NSU, M are stored).</param>
/// <param name="Pmu">Whether the vCPUs are created with the PMUv3 feature (F1). Extension of the language.</param>
public sealed record VmSpec(int Vcpus = 1, bool Nested = false, bool El2 = true, bool El3 = false, bool Pmu = true)
{
    public const int MaxVcpus = 4;
}

/// <summary>Everything before the first step of a scenario.</summary>
/// <param name="Deviations">
/// The known kernel deviations the scenario shows (the <c>deviations</c> line): the model switches
/// them on; empty means the intended behaviour.
/// </param>
public sealed record Setup(KernelProfile Profile, HostSpec Host, VmSpec Vm, DeviationSet? Deviations = null)
{
    public static readonly Setup Default = new(KernelProfiles.Default, HostSpec.QemuMax, new VmSpec());

    public DeviationSet Deviations { get; init; } = Deviations ?? DeviationSet.None;

    /// <summary>The profile's row values of behaviour.md section 10.</summary>
    public ProfileRules ProfileRules => ProfileRules.Of(Profile);
}
