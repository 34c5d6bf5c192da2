using System.Runtime.InteropServices;

namespace PmuConformance.Fuzz.Engine.Harness;

/// <summary>
/// SIGINT to another process: afl-fuzz and a fuzzing child stop cleanly on it (and keep their
/// output), where <c>Process.Kill</c> would send SIGKILL.
/// </summary>
internal static partial class InterruptSignal
{
    private const int SigInt = 2;

    public static void Interrupt(int pid) => _ = Kill(pid, SigInt);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
