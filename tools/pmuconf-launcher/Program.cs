using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PmuConformance.Launcher;

/// <summary>
/// <c>dotnet pmuconf ...</c> in a clone: finds the clone (PmuConformance.sln above the working
/// directory), builds <c>src/Cli</c> in Release when its output is missing or older than the
/// sources (saying so first: a fresh clone's first build takes about a minute), then runs that
/// pmuconf with the same arguments, the same terminal and its exit code. SIGINT and SIGTERM are
/// passed on, so pmuconf can print its seed and stop its children.
/// </summary>
public static class Program
{
    private const string Solution = "PmuConformance.sln";

    public static int Main(string[] args)
    {
        if (FindClone(Environment.CurrentDirectory) is not { } root)
        {
            Console.Error.WriteLine($"pmuconf: no {Solution} in {Environment.CurrentDirectory} or above: this launcher runs the pmuconf of a PmuConformance clone.");
            Console.Error.WriteLine("To install pmuconf itself: dotnet pack src/Cli -c Release -o artifacts/packages && dotnet tool install --global pmuconf --add-source artifacts/packages");
            return 2;
        }
        var cli = Path.Combine(root, "src", "Cli");
        var dll = Path.Combine(cli, "bin", "Release", "net10.0", "pmuconf.dll");
        if (!File.Exists(dll) || NewestSource(root) > File.GetLastWriteTimeUtc(dll))
        {
            Console.Error.WriteLine($"pmuconf: building {Path.GetRelativePath(Environment.CurrentDirectory, cli)} (Release) first; about a minute on a fresh clone, seconds after that");
            var build = Run("dotnet", ["build", cli, "-c", "Release", "--nologo", "-v", "q", "-clp:ErrorsOnly;NoSummary"]);
            if (build != 0 || !File.Exists(dll))
            {
                Console.Error.WriteLine($"pmuconf: building {cli} failed (exit code {build})");
                return 2;
            }
        }
        return Run("dotnet", [dll, .. args]);
    }

    /// <summary>The folder holding the solution, at or above <paramref name="start"/>.</summary>
    private static string? FindClone(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, Solution)) && Directory.Exists(Path.Combine(dir.FullName, "src", "Cli")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    /// <summary>The newest C# source or project file pmuconf is built from.</summary>
    private static DateTime NewestSource(string root)
    {
        var newest = File.GetLastWriteTimeUtc(Path.Combine(root, "Directory.Build.props"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*", SearchOption.AllDirectories))
        {
            if ((file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".csproj", StringComparison.Ordinal))
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                var time = File.GetLastWriteTimeUtc(file);
                newest = time > newest ? time : newest;
            }
        }
        return newest;
    }

    /// <summary>Runs a child on this terminal and returns its exit code; signals reach it too.</summary>
    private static int Run(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var child = Process.Start(start)!;
        void Forward(PosixSignalContext context)
        {
            context.Cancel = true; // wait for the child: it decides how to stop and what to print
            if (!child.HasExited)
            {
                _ = Kill(child.Id, context.Signal == PosixSignal.SIGINT ? 2 : 15);
            }
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
        child.WaitForExit();
        return child.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
