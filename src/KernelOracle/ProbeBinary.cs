using System.Diagnostics;

namespace PmuConformance.KernelOracle;

/// <summary>The probe, built from the C and assembly files of probe/ (build.sh) with the Debian cross compiler, cached.</summary>
public static class ProbeBinary
{
    public static string CachedPath => Path.Combine(RepositoryPaths.Cache, "kernel-oracle", "probe");

    /// <summary>Builds the probe if it is missing or older than its sources; null with a message on failure.</summary>
    public static string? Ensure(out string? error)
    {
        error = null;
        var sources = Directory.GetFiles(RepositoryPaths.ProbeSources)
            .Where(f => f.EndsWith(".c", StringComparison.Ordinal) || f.EndsWith(".h", StringComparison.Ordinal)
                || f.EndsWith(".S", StringComparison.Ordinal) || f.EndsWith("build.sh", StringComparison.Ordinal))
            .ToList();
        var output = CachedPath;
        if (File.Exists(output) && sources.All(s => File.GetLastWriteTimeUtc(s) <= File.GetLastWriteTimeUtc(output)))
        {
            return output;
        }
        var build = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.ProbeSources, "build.sh"), output])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        try
        {
            using var process = Process.Start(build)!;
            var messages = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                error = "building the probe failed: " + messages.Result.Trim();
                return null;
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            error = "building the probe failed: " + e.Message;
            return null;
        }
        return output;
    }
}
