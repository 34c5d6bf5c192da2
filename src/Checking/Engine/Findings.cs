namespace PmuConformance.Checking.Engine;

/// <summary>The <c>findings/</c> folder at the repository root (git-ignored) where repro files are written.</summary>
public static class Findings
{
    /// <summary>PMUCONF_FINDINGS if set, else <c>findings/</c> next to PmuConformance.sln above the working or base directory.</summary>
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("PMUCONF_FINDINGS") is { Length: > 0 } configured)
        {
            return configured;
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PmuConformance.sln")))
                {
                    return Path.Combine(dir.FullName, "findings");
                }
            }
        }
        return Path.Combine(Environment.CurrentDirectory, "findings");
    }

    /// <summary>Writes a repro and returns its path: <c>&lt;check&gt;-&lt;time&gt;-&lt;hash&gt;.pmu</c>.</summary>
    public static string Write(string directory, string check, string text)
    {
        Directory.CreateDirectory(directory);
        var hash = (uint)text.Aggregate(17, (h, c) => unchecked((h * 31) + c));
        var name = $"{check}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{hash:x8}.pmu";
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
