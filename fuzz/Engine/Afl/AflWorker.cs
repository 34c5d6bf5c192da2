using System.Globalization;
using Microsoft.Win32.SafeHandles;
using PmuConformance.Fuzz.Coverage;

namespace PmuConformance.Fuzz.Engine.Afl;

/// <summary>
/// The worker the forkserver supervises: attaches AFL's coverage map and test-case shared memory
/// and runs one input per command, answering with a wait status (0, or SIGABRT for a finding).
/// </summary>
internal sealed unsafe class AflWorker(FuzzTargetDefinition target, int mapSize, int maxInputLength)
{
    // AFL's MAX_FILE: the test-case segment holds a u32 length and at most this many bytes.
    private const int AflMaxFile = 1 << 20;
    private readonly Func<Exception, bool> _isFinding = target.IsFinding ?? (_ => true);

    public int Run(string controlPipe, string statusPipe)
    {
        // Only the forkserver may hold AFL's pipes, or afl-fuzz would not notice it dying.
        Native.Close(ForkServerOptions.ControlFd);
        Native.Close(ForkServerOptions.StatusFd);
        int commands = int.Parse(controlPipe, CultureInfo.InvariantCulture);
        int statuses = int.Parse(statusPipe, CultureInfo.InvariantCulture);
        byte* testCase = AflSharedMemory.TryAttach(AflSharedMemory.TestCaseVariable);
        byte* map = AflSharedMemory.TryAttach(AflSharedMemory.CoverageMapVariable);
        if (map == null)
        {
            Console.Error.WriteLine($"afl-worker: {AflSharedMemory.CoverageMapVariable} is not set");
            return 1;
        }

        if (!WarmUp(map))
        {
            return 1;
        }

        byte[] stdinBuffer = testCase == null ? new byte[Math.Min(maxInputLength, AflMaxFile)] : [];
        if (!Native.WriteUInt32(statuses, 0))
        {
            return 0; // ready, unless the forkserver is gone already
        }

        bool first = true;
        while (Native.ReadUInt32(commands, out _))
        {
            ReadOnlySpan<byte> input = testCase != null
                ? new ReadOnlySpan<byte>(testCase + 4, (int)Math.Min(*(uint*)testCase, (uint)Math.Min(maxInputLength, AflMaxFile)))
                : ReadStandardInput(stdinBuffer);
            if (first)
            {
                // This input's first-call paths would look like unstable edges: run it once unseen.
                CoverageMap.Detach();
                Execute(input);
                CoverageMap.ClearSink();
                CoverageMap.Attach(map, mapSize);
                first = false;
            }

            if (!Native.WriteUInt32(statuses, Execute(input) ? ForkServerOptions.CrashStatus : 0))
            {
                break;
            }
        }

        return 0;
    }

    private bool WarmUp(byte* map)
    {
        Execute([]);
        InstrumentationInfo info = InstrumentationInfo.OfLoadedAssemblies();
        if (info.RequiredMapSize > mapSize)
        {
            Console.Error.WriteLine($"afl-worker: the target was instrumented for a {info.RequiredMapSize}-byte map, larger than {mapSize}");
            return false;
        }

        CoverageMap.ClearSink();
        CoverageMap.Attach(map, mapSize);
        return true;
    }

    /// <summary>Runs the target; true if it threw a finding.</summary>
    private bool Execute(ReadOnlySpan<byte> input)
    {
        CoverageMap.Prev = 0;
        try
        {
            target.Target(input);
            return false;
        }
        catch (Exception e)
        {
            return _isFinding(e);
        }
    }

    // Without shared-memory input (afl-showmap, afl-tmin) the test case is the file on stdin.
    private static ReadOnlySpan<byte> ReadStandardInput(byte[] buffer)
    {
        using var stdin = new SafeFileHandle(0, ownsHandle: false);
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(stdin, buffer.AsSpan(total), total);
            if (read <= 0)
            {
                break;
            }

            total += read;
        }

        return buffer.AsSpan(0, total);
    }
}
