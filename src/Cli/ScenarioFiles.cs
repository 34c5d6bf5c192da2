using PmuConformance.Scenarios;

using System.Runtime.InteropServices;

namespace PmuConformance.Cli;

/// <summary>Turns the paths given to <c>replay</c> into the list of scenario files to run.</summary>
public static class ScenarioFiles
{
    public const string Pattern = "*.pmu";

    /// <summary>
    /// A file stands for itself (whatever its extension); a directory for every <c>*.pmu</c> under
    /// it, recursively, in ordinal order of their paths, except the copies in report folders
    /// (<c>pmuconf report</c>: a folder with a repro.c, beside the scenario it copies). Symbolic
    /// links are followed, but a directory already visited (a link back up the tree, or a second
    /// link to the same place) is entered once, and a file reached twice, by any path, runs once.
    /// </summary>
    /// <param name="missing">The paths that are neither a file nor a directory.</param>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths, out IReadOnlyList<string> missing)
    {
        var files = new List<string>();
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var seenDirectories = new HashSet<string>(StringComparer.Ordinal);
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
                found = Walk(path, seenDirectories)
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
                if (seenFiles.Add(RealPath(file)))
                {
                    files.Add(file);
                }
            }
        }
        missing = notFound;
        return files;
    }

    /// <summary>The <c>*.pmu</c> files under a directory, entering each real directory once.</summary>
    private static List<string> Walk(string root, HashSet<string> seenDirectories)
    {
        var files = new List<string>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            if (!seenDirectories.Add(RealPath(directory)))
            {
                continue;
            }
            files.AddRange(Directory.EnumerateFiles(directory, Pattern));
            foreach (var sub in Directory.EnumerateDirectories(directory))
            {
                pending.Push(sub);
            }
        }
        return files;
    }

    /// <summary>The path with every symbolic link resolved (realpath(3)); the full path if that fails.</summary>
    private static string RealPath(string path)
    {
        var resolved = NativeRealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return Path.GetFullPath(path);
        }
        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? Path.GetFullPath(path);
        }
        finally
        {
            Marshal.FreeHGlobal(resolved); // realpath allocates with malloc; FreeHGlobal is free() on Unix
        }
    }

    [DllImport("libc", EntryPoint = "realpath")]
    private static extern IntPtr NativeRealPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    /// <summary>
    /// Every scenario under <paramref name="paths"/>, parsed; null after writing the first problem
    /// (a missing path, a file that does not parse) to <paramref name="error"/> as <c>pmuconf &lt;command&gt;: ...</c>.
    /// </summary>
    public static List<Scenario>? LoadAll(IEnumerable<string> paths, string command, TextWriter error)
    {
        var files = Expand(paths, out var missing);
        if (missing.Count > 0)
        {
            error.WriteLine($"pmuconf {command}: no such file or directory: {string.Join(", ", missing)}");
            return null;
        }
        var scenarios = new List<Scenario>();
        foreach (var file in files)
        {
            if (ScenarioParser.TryParse(File.ReadAllText(file), file, out var parseError) is not { } scenario)
            {
                error.WriteLine(parseError!.Message);
                return null;
            }
            scenarios.Add(scenario);
        }
        return scenarios;
    }
}
