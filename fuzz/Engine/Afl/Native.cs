using System.Runtime.InteropServices;

namespace PmuConformance.Fuzz.Engine.Afl;

/// <summary>The few libc calls the AFL protocol needs: raw fds 198/199 and signals.</summary>
internal static unsafe partial class Native
{
    public const int SigInt = 2;

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes; false on end of file or error.</summary>
    public static bool ReadExactly(int fd, Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            int done = 0;
            while (done < buffer.Length)
            {
                nint got = Read(fd, start + done, buffer.Length - done);
                if (got > 0)
                {
                    done += (int)got;
                }
                else if (got == 0 || Marshal.GetLastPInvokeError() != 4)
                {
                    return false; // end of file, or an error other than EINTR
                }
            }
        }

        return true;
    }

    /// <summary>Writes all of <paramref name="buffer"/>; false on error (the reader went away).</summary>
    public static bool WriteAll(int fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            int done = 0;
            while (done < buffer.Length)
            {
                nint put = Write(fd, start + done, buffer.Length - done);
                if (put > 0)
                {
                    done += (int)put;
                }
                else if (put == 0 || Marshal.GetLastPInvokeError() != 4)
                {
                    return false;
                }
            }
        }

        return true;
    }

    public static bool ReadUInt32(int fd, out uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        bool ok = ReadExactly(fd, bytes);
        value = ok ? MemoryMarshal.Read<uint>(bytes) : 0;
        return ok;
    }

    public static bool WriteUInt32(int fd, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        MemoryMarshal.Write(bytes, in value);
        return WriteAll(fd, bytes);
    }
}
