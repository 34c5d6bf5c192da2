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
/// <param name="Splat">
/// For a deviation of H1 (a host-log splat), words that identify its splat (any one of them in its
/// lines: functions of its call trace); null for deviations the model can switch on.
/// </param>
public sealed record KnownDeviation(
    string Id,
    IReadOnlyList<string> Rules,
    string Summary,
    IReadOnlyList<string> Kernels,
    IReadOnlyList<KernelProfile> Profiles,
    string Code,
    string FirstSeen,
    string Upstream,
    string Repro,
    string? Splat = null);

public static class KnownDeviationSplats
{
    /// <summary>Whether a host-log splat is this deviation's (H1 deviations only).</summary>
    public static bool Matches(this KnownDeviation deviation, IReadOnlyList<string> splat) =>
        deviation.Splat is { } words
        && words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(word => splat.Any(line => line.Contains(word, StringComparison.Ordinal)));
}
