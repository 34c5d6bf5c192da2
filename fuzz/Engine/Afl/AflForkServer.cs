using PmuConformance.Fuzz.Coverage;

namespace PmuConformance.Fuzz.Engine.Afl;

/// <summary>
/// The process afl-fuzz starts. It only speaks the forkserver protocol on fds 198/199 and runs
/// every input in a worker copy of the harness (supervised layout), reporting the worker's pid.
/// A worker that dies (StackOverflow, or killed by afl-fuzz after a timeout) is reported as
/// crashed (its signal, SIGABRT if none) and replaced, so the campaign goes on and the input is
/// saved by afl-fuzz. A fork-per-input forkserver is not possible: .NET cannot fork.
/// </summary>
internal static class AflForkServer
{
    public static int Run(int mapSize, IReadOnlyList<byte[]> dictionary, IReadOnlyList<string> workerArguments, string? statisticsFile)
    {
        var statistics = new ForkServerStatistics(statisticsFile);
        bool sharedInput = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AflSharedMemory.TestCaseVariable));
        // afl-fuzz answers the hello only when shared-memory input is offered (it always is by
        // afl-fuzz itself), so the auto-dictionary is only offered together with it.
        byte[] autoDictionary = sharedInput ? EncodeAutoDictionary(dictionary) : [];

        // The first worker starts before the hello: a broken harness then fails the handshake.
        WorkerProcess? worker = WorkerProcess.Start(workerArguments);
        try
        {
            uint hello = ForkServerOptions.Enabled | ForkServerOptions.NewCmpLog | ForkServerOptions.EncodeMapSize(mapSize)
                | (sharedInput ? ForkServerOptions.SharedMemoryTestCase : 0)
                | (autoDictionary.Length > 0 ? ForkServerOptions.AutoDictionary : 0);
            if (!Native.WriteUInt32(ForkServerOptions.StatusFd, hello))
            {
                Console.Error.WriteLine("afl-forkserver: fd 199 is not writable; this command is for afl-fuzz to start");
                return 1;
            }

            if (sharedInput && !Handshake(autoDictionary))
            {
                return 1;
            }

            while (Native.ReadUInt32(ForkServerOptions.ControlFd, out _))
            {
                worker ??= WorkerProcess.Start(workerArguments);
                // The worker starts on the input while afl-fuzz reads the pid: one wake-up less.
                bool started = worker.BeginExecution();
                if (!Native.WriteUInt32(ForkServerOptions.StatusFd, (uint)worker.Pid))
                {
                    break;
                }

                uint? status = started ? worker.WaitForStatus() : null;
                if (status is null)
                {
                    status = worker.DeathStatus();
                    worker.Dispose();
                    worker = null;
                    statistics.WorkerDied();
                }

                statistics.Executed();

                if (!Native.WriteUInt32(ForkServerOptions.StatusFd, status.Value))
                {
                    break;
                }
            }

            return 0;
        }
        finally
        {
            statistics.Write();
            worker?.Dispose();
        }
    }

    private static bool Handshake(byte[] autoDictionary)
    {
        if (!Native.ReadUInt32(ForkServerOptions.ControlFd, out uint reply))
        {
            return false;
        }

        if ((reply & ForkServerOptions.AutoDictionary) == 0 || autoDictionary.Length == 0)
        {
            return true;
        }

        return Native.WriteUInt32(ForkServerOptions.StatusFd, (uint)autoDictionary.Length)
            && Native.WriteAll(ForkServerOptions.StatusFd, autoDictionary);
    }

    // Entries are [u8 length][bytes]; AFL rejects a total below 2 or above 0xFFFFFF.
    private static byte[] EncodeAutoDictionary(IReadOnlyList<byte[]> dictionary)
    {
        var encoded = new List<byte>();
        foreach (byte[] token in dictionary.Where(t => t.Length is > 0 and <= ForkServerOptions.MaxAutoDictionaryToken))
        {
            if (encoded.Count + 1 + token.Length > 0xFFFFFF)
            {
                break;
            }

            encoded.Add((byte)token.Length);
            encoded.AddRange(token);
        }

        return encoded.Count >= 2 ? [.. encoded] : [];
    }
}
