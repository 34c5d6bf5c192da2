using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Engine;

/// <summary>The <c>findings/</c> folder at the repository root (git-ignored) where repro files are written.</summary>
public static class Findings
{
    /// <summary>PMUCONF_FINDINGS if set, else <c>findings/</c> at the repository root.</summary>
    public static string DefaultDirectory() =>
        Environment.GetEnvironmentVariable("PMUCONF_FINDINGS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepositoryRoot.Path, "findings");

    /// <summary>
    /// Writes a repro atomically (never a truncated file) and returns its path:
    /// <c>&lt;check&gt;-&lt;time&gt;-&lt;hash&gt;.pmu</c>. Throws IOException or UnauthorizedAccessException.
    /// </summary>
    public static string Write(string directory, string check, string text)
    {
        Directory.CreateDirectory(directory);
        var hash = (uint)text.Aggregate(17, (h, c) => unchecked((h * 31) + c));
        var name = $"{check}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{hash:x8}.pmu";
        var path = Path.Combine(directory, name);
        AtomicFile.WriteText(path, text);
        return path;
    }

    /// <summary>Like <see cref="Write"/>; on failure null, with the reason in <paramref name="problem"/>.</summary>
    public static string? TryWrite(string directory, string check, string text, out string? problem)
    {
        try
        {
            problem = null;
            return Write(directory, check, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot write the repro to {directory}: {e.Message.TrimEnd('.')}";
            return null;
        }
    }
}
