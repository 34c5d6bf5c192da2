using System.Text;
using System.Text.RegularExpressions;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>An arm64 kernel Image to boot, and the profile its version selects (behaviour.md section 10).</summary>
public sealed partial record KernelImage(string Name, string Path, string Release, KernelProfile Profile)
{
    /// <summary>The Debian kernels that scripts/setup-kernel-oracle.sh caches.</summary>
    public static readonly IReadOnlyList<string> DebianNames = ["debian-6.1", "debian-6.12", "debian-7.2"];

    /// <summary>
    /// Resolves <c>debian-6.1|debian-6.12|debian-7.2</c> (the cache) or a path to an Image. Null with
    /// a message when the kernel is not there.
    /// </summary>
    public static KernelImage? Resolve(string spec, out string? error)
    {
        error = null;
        var path = DebianNames.Contains(spec) ? System.IO.Path.Combine(RepositoryPaths.Kernels, spec, "Image") : spec;
        if (!File.Exists(path))
        {
            error = DebianNames.Contains(spec)
                ? $"kernel {spec} is not cached at {path}: run scripts/setup-kernel-oracle.sh"
                : $"kernel image '{spec}' not found (expected debian-6.1, debian-6.12, debian-7.2 or a path to an arm64 Image)";
            return null;
        }
        if (KernelImageHeader.WhyNotBootable(path) is { } broken)
        {
            error = $"{path}: {broken}";
            return null;
        }
        var release = ReadRelease(path);
        if (release is null)
        {
            error = $"{path}: no 'Linux version' string found: is it an uncompressed arm64 Image?";
            return null;
        }
        if (ProfileOf(release) is not { } profile)
        {
            error = $"{path}: kernel {release} is older than every profile (6.1, 6.12, 7.2)";
            return null;
        }
        return new KernelImage(DebianNames.Contains(spec) ? spec : System.IO.Path.GetFileName(path), path, release, profile);
    }

    /// <summary>
    /// The profile a kernel release reproduces: 6.1 up to 6.11, 6.12 up to 7.1, 7.2 from there on.
    /// The probe reports the booted kernel's release too, and the target checks they agree.
    /// </summary>
    public static KernelProfile? ProfileOf(string release)
    {
        var match = VersionPattern().Match(release);
        if (!match.Success)
        {
            return null;
        }
        var version = new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
        if (version < new Version(6, 1))
        {
            return null;
        }
        return version < new Version(6, 12) ? KernelProfile.V6_1
            : version < new Version(7, 2) ? KernelProfile.V6_12
            : KernelProfile.V7_2;
    }

    /// <summary>The release from the "Linux version X" banner inside an uncompressed Image.</summary>
    private static string? ReadRelease(string path)
    {
        var marker = "Linux version "u8.ToArray();
        var bytes = File.ReadAllBytes(path);
        var at = bytes.AsSpan().IndexOf(marker);
        if (at < 0)
        {
            return null;
        }
        var start = at + marker.Length;
        var end = start;
        while (end < bytes.Length && bytes[end] > (byte)' ' && end - start < 100)
        {
            end++;
        }
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }

    [GeneratedRegex(@"^(\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}
