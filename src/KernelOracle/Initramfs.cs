using System.IO.Compression;
using System.Text;

namespace PmuConformance.KernelOracle;

/// <summary>A gzip'd cpio "newc" archive of regular files: the probe as /init and its batch.</summary>
public static class Initramfs
{
    public static byte[] Build(IReadOnlyList<(string Name, byte[] Content, bool Executable)> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            var inode = 1;
            foreach (var (name, content, executable) in files)
            {
                WriteEntry(gzip, inode++, name, executable ? 0x81ED : 0x81A4, content); // 0100755 / 0100644
            }
            WriteEntry(gzip, 0, "TRAILER!!!", 0, []);
        }
        return output.ToArray();
    }

    private static void WriteEntry(Stream stream, int inode, string name, int mode, byte[] content)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        var header = new StringBuilder("070701");
        foreach (var field in new[] { inode, mode, 0, 0, 1, 0, content.Length, 0, 0, 0, 0, nameBytes.Length, 0 })
        {
            header.Append(field.ToString("X8", System.Globalization.CultureInfo.InvariantCulture));
        }
        var headerBytes = Encoding.ASCII.GetBytes(header.ToString());
        stream.Write(headerBytes);
        stream.Write(nameBytes);
        Pad(stream, headerBytes.Length + nameBytes.Length);
        stream.Write(content);
        Pad(stream, content.Length);
    }

    /// <summary>newc aligns the name and the data to 4 bytes.</summary>
    private static void Pad(Stream stream, int length)
    {
        var padding = (4 - (length % 4)) % 4;
        stream.Write(new byte[padding]);
    }
}
