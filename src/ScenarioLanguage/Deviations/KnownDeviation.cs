namespace PmuConformance.Scenarios;

/// <summary>One entry of the ledger of known kernel deviations (behaviour.md section 13).</summary>
/// <param name="Id">KD1, KD2, ...</param>
/// <param name="Rules">The rule ids the kernel breaks.</param>
/// <param name="Summary">What the kernel does instead, in one line.</param>
/// <param name="Kernels">The kernel-oracle kernels (debian-6.1 ...) that show it.</param>
/// <param name="Profiles">The profiles whose unknown builds are expected to show it.</param>
/// <param name="Code">The code path, where known.</param>
/// <param name="FirstSeen">When and how the suite found it.</param>
/// <param name="Upstream">Fix status upstream.</param>
/// <param name="Repro">The corpus file that shows it.</param>
public sealed record KnownDeviation(
    string Id,
    IReadOnlyList<string> Rules,
    string Summary,
    IReadOnlyList<string> Kernels,
    IReadOnlyList<KernelProfile> Profiles,
    string Code,
    string FirstSeen,
    string Upstream,
    string Repro);
