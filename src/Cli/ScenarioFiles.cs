namespace PmuConformance.Cli;

/// <summary>Turns the paths given to <c>replay</c> into the list of scenario files to run.</summary>
public static class ScenarioFiles
{
    public const string Pattern = "*.pmu";

    /// <summary>
    /// A file stands for itself (whatever its extension); a directory for every <c>*.pmu</c> under
    /// it, recursively, in ordinal order of their paths, except the copies in report folders
    /// (<c>pmuconf report</c>: a folder with a repro.c, beside the scenario it copies). A file named
    /// twice runs once.
    /// </summary>
    /// <param name="missing">The paths that are neither a file nor a directory.</param>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths, out IReadOnlyList<string> missing)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var notFound = new List<string>();
        foreach (var path in paths)
        {
            IEnumerable<string> found;
            if (File.Exists(path))
            {
                found = [path];
            }
            else if (Directory.Exists(path))
            {
                found = Directory.EnumerateFiles(path, Pattern, SearchOption.AllDirectories)
                    .Where(f => !File.Exists(Path.Combine(Path.GetDirectoryName(f)!, "repro.c")))
                    .Order(StringComparer.Ordinal);
            }
            else
            {
                notFound.Add(path);
                continue;
            }
            foreach (var file in found)
            {
                if (seen.Add(Path.GetFullPath(file)))
                {
                    files.Add(file);
                }
            }
        }
        missing = notFound;
        return files;
    }
}
