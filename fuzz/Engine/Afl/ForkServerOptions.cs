namespace PmuConformance.Fuzz.Engine.Afl;

/// <summary>
/// AFL++ (4.0x) forkserver handshake constants: the target's "hello" status announces optional
/// features; afl-fuzz answers once if shared-memory test cases or the auto-dictionary were offered.
/// </summary>
internal static class ForkServerOptions
{
    public const int ControlFd = 198;
    public const int StatusFd = 199;

    public const uint Enabled = 0x80000001;
    public const uint MapSize = 0x40000000;
    public const uint AutoDictionary = 0x10000000;
    public const uint NewCmpLog = 0x02000000;
    public const uint SharedMemoryTestCase = 0x01000000;

    /// <summary>Largest auto-dictionary entry AFL accepts (MAX_DICT_FILE).</summary>
    public const int MaxAutoDictionaryToken = 128;

    /// <summary>The wait status AFL treats as a crash (killed by SIGABRT).</summary>
    public const uint CrashStatus = 6;

    public static uint EncodeMapSize(int size) => MapSize | ((uint)(size - 1) << 1);
}
