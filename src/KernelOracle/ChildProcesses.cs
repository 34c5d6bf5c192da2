using System.Diagnostics;

namespace PmuConformance.KernelOracle;

/// <summary>
/// The child processes (QEMU) running right now, so that an interrupted command can stop them
/// instead of leaving them to run out their timeout after pmuconf is gone.
/// </summary>
public static class ChildProcesses
{
    private static readonly HashSet<Process> Running = [];

    public static void Add(Process process)
    {
        lock (Running)
        {
            Running.Add(process);
        }
    }

    public static void Remove(Process process)
    {
        lock (Running)
        {
            Running.Remove(process);
        }
    }

    /// <summary>Kills every registered process and its children.</summary>
    public static void StopAll()
    {
        Process[] processes;
        lock (Running)
        {
            processes = [.. Running];
        }
        foreach (var process in processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // It exited meanwhile: nothing to stop.
            }
        }
    }
}
