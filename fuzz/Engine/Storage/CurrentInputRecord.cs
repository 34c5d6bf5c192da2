using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace PmuConformance.Fuzz.Engine.Storage;

/// <summary>
/// A memory-mapped file holding the input being executed and whether an execution is under way.
/// The pages belong to the kernel's page cache, so when the process dies mid-execution
/// (StackOverflow, fail-fast, SIGKILL) the input is still in the file, and the next run (or the
/// supervising parent) turns it into a crash finding. Costs one memcpy per execution.
/// </summary>
internal sealed unsafe class CurrentInputRecord : IDisposable
{
    private const int HeaderSize = 16;
    private const uint Magic = 0x4943_5A46; // "FZCI"
    private const int Idle = 0, Executing = 1, Recorded = 2;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly int _capacity;

    private CurrentInputRecord(MemoryMappedFile file, MemoryMappedViewAccessor view, int capacity)
    {
        _file = file;
        _view = view;
        _capacity = capacity;
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + _view.PointerOffset;
        *(uint*)_base = Magic;
        State = Idle;
    }

    private int State
    {
        get => Volatile.Read(ref *(int*)(_base + 4));
        set => Volatile.Write(ref *(int*)(_base + 4), value);
    }

    /// <summary>Creates (replacing) the record file. Read any leftover with <see cref="ReadInterrupted"/> first.</summary>
    public static CurrentInputRecord Create(string path, int maxInputLength)
    {
        File.Delete(path);
        long size = HeaderSize + (long)maxInputLength;
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.CreateNew, null, size, MemoryMappedFileAccess.ReadWrite);
        return new CurrentInputRecord(file, file.CreateViewAccessor(0, size), maxInputLength);
    }

    /// <summary>The input of an execution the previous process did not finish, or null.</summary>
    public static byte[]? ReadInterrupted(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] content = File.ReadAllBytes(path);
        if (content.Length < HeaderSize || MemoryMarshal.Read<uint>(content) != Magic || MemoryMarshal.Read<int>(content.AsSpan(4)) != Executing)
        {
            return null;
        }

        int length = Math.Clamp(MemoryMarshal.Read<int>(content.AsSpan(8)), 0, content.Length - HeaderSize);
        return content.AsSpan(HeaderSize, length).ToArray();
    }

    /// <summary>Marks a leftover record as dealt with, so it is reported once.</summary>
    public static void MarkRecorded(string path)
    {
        if (File.Exists(path))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
            stream.Position = 4;
            stream.Write(BitConverter.GetBytes(Recorded));
        }
    }

    public void Begin(ReadOnlySpan<byte> input)
    {
        int length = Math.Min(input.Length, _capacity);
        *(int*)(_base + 8) = length;
        input[..length].CopyTo(new Span<byte>(_base + HeaderSize, length));
        State = Executing;
    }

    public void End() => State = Idle;

    /// <summary>The watchdog saved the input as a hang: the process is about to go, not a crash.</summary>
    public void MarkRecorded() => State = Recorded;

    /// <summary>A copy of the input of the current (or last) execution.</summary>
    public byte[] Snapshot() => new ReadOnlySpan<byte>(_base + HeaderSize, *(int*)(_base + 8)).ToArray();

    public void Dispose()
    {
        State = Idle;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
