using System.Buffers.Binary;

namespace PmuConformance.KernelOracle;

/// <summary>
/// Checks the arm64 Image header (Documentation/arch/arm64/booting.rst) before QEMU is started,
/// so that a file that cannot boot is refused at once with a reason instead of a silent boot
/// timeout: the "ARM\x64" magic at offset 0x38 and, for an EFI-stub Image (a PE/COFF header at the
/// offset stored at 0x3c), that the sections' file data ends within the file: a truncated copy
/// ends early. (The header's image_size cannot tell: it counts the BSS, which is not in the file.)
/// </summary>
public static class KernelImageHeader
{
    private const int MagicOffset = 0x38;
    private const uint Arm64Magic = 0x644d5241; // "ARM\x64", little endian
    private const int PeOffsetField = 0x3c;
    private const int SectionHeaderSize = 40;

    /// <summary>Why the file is not a bootable arm64 Image, or null.</summary>
    public static string? WhyNotBootable(string path)
    {
        using var file = File.OpenRead(path);
        var length = file.Length;
        var head = new byte[4096];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return WhyNotBootable(head.AsSpan(0, read), length);
    }

    /// <summary>The check on the file's first bytes and its length.</summary>
    public static string? WhyNotBootable(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length < 64 || BinaryPrimitives.ReadUInt32LittleEndian(head[MagicOffset..]) != Arm64Magic)
        {
            return "not an arm64 kernel Image (no ARM\\x64 magic at offset 0x38)";
        }
        if (head[0] != (byte)'M' || head[1] != (byte)'Z')
        {
            return null; // no EFI stub: nothing more to check
        }
        var pe = (int)BinaryPrimitives.ReadUInt32LittleEndian(head[PeOffsetField..]);
        if (pe <= 0 || pe + 24 > head.Length || !head.Slice(pe, 4).SequenceEqual("PE\0\0"u8))
        {
            return null;
        }
        var sections = BinaryPrimitives.ReadUInt16LittleEndian(head[(pe + 6)..]);
        var optionalHeader = BinaryPrimitives.ReadUInt16LittleEndian(head[(pe + 20)..]);
        var table = pe + 24 + optionalHeader;
        long end = 0;
        for (var i = 0; i < sections && table + ((i + 1) * SectionHeaderSize) <= head.Length; i++)
        {
            var section = head.Slice(table + (i * SectionHeaderSize), SectionHeaderSize);
            var rawSize = BinaryPrimitives.ReadUInt32LittleEndian(section[16..]);
            var rawPointer = BinaryPrimitives.ReadUInt32LittleEndian(section[20..]);
            end = Math.Max(end, (long)rawPointer + rawSize);
        }
        return end > fileLength
            ? $"truncated: its sections end at byte {end}, but the file has {fileLength} bytes"
            : null;
    }
}
