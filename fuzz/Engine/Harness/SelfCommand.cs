using System.Diagnostics;
using System.Reflection;

namespace PmuConformance.Fuzz.Engine;

/// <summary>Starts another copy of the running harness executable (supervised child).</summary>
public static class SelfCommand
{
    /// <summary>
    /// The harness's native launcher (apphost). afl-fuzz must be given it rather than
    /// "dotnet x.dll", and children start faster through it.
    /// </summary>
    public static string Executable
    {
        get
        {
            string? process = Environment.ProcessPath;
            if (process is not null && !IsDotnetHost(process))
            {
                return process;
            }

            string entry = Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly");
            string apphost = Path.ChangeExtension(entry, OperatingSystem.IsWindows() ? ".exe" : null);
            return File.Exists(apphost) ? apphost : entry;
        }
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        string executable = Executable;
        var start = new ProcessStartInfo { UseShellExecute = false };
        if (executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = Environment.ProcessPath ?? "dotnet";
            start.ArgumentList.Add(executable);
        }
        else
        {
            start.FileName = executable;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static bool IsDotnetHost(string path) =>
        Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
}
