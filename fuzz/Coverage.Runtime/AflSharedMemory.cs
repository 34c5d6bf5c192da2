using System.Globalization;
using System.Runtime.InteropServices;

namespace PmuConformance.Fuzz.Coverage;

/// <summary>Attaches System V shared memory segments that afl-fuzz creates and names in the environment.</summary>
public static unsafe partial class AflSharedMemory
{
    /// <summary>Environment variable holding the id of the coverage map segment.</summary>
    public const string CoverageMapVariable = "__AFL_SHM_ID";

    /// <summary>Environment variable holding the id of the test-case segment (u32 length, then the bytes).</summary>
    public const string TestCaseVariable = "__AFL_SHM_FUZZ_ID";

    /// <summary>
    /// Attaches the segment whose id is in <paramref name="variable"/>; null if the variable is
    /// not set (not running under AFL). Throws if it is set but cannot be attached.
    /// </summary>
    public static byte* TryAttach(string variable)
    {
        string? text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        int id = int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
        nint address = Shmat(id, 0, 0);
        if (address == -1)
        {
            throw new InvalidOperationException(
                $"shmat({variable}={id}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        return (byte*)address;
    }

    /// <summary>Attaches AFL's coverage map and points <see cref="CoverageMap"/> at it.</summary>
    /// <returns>False if not running under AFL.</returns>
    public static bool AttachCoverageMap(int mapSize)
    {
        byte* map = TryAttach(CoverageMapVariable);
        if (map == null)
        {
            return false;
        }

        CoverageMap.Attach(map, mapSize);
        return true;
    }

    [LibraryImport("libc", EntryPoint = "shmat", SetLastError = true)]
    private static partial nint Shmat(int shmid, nint address, int flags);
}
