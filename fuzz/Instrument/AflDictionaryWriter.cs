using System.Globalization;
using System.Text;

namespace PmuConformance.Fuzz.Instrument;

/// <summary>Writes tokens in AFL's dictionary format: <c>name="value"</c> with \\, \" and \xNN escapes.</summary>
internal static class AflDictionaryWriter
{
    public static void Write(string path, IReadOnlyList<byte[]> tokens, IEnumerable<string> sources)
    {
        var text = new StringBuilder();
        text.Append("# AFL dictionary written by PmuConformance.Fuzz.Instrument from: ")
            .AppendJoin(", ", sources.Select(Path.GetFileName))
            .Append('\n');
        for (int i = 0; i < tokens.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"token_{i + 1:D4}=\"");
            AppendEscaped(text, tokens[i]);
            text.Append("\"\n");
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, text.ToString());
    }

    private static void AppendEscaped(StringBuilder text, byte[] token)
    {
        foreach (byte b in token)
        {
            if (b is (byte)'"' or (byte)'\\')
            {
                text.Append('\\').Append((char)b);
            }
            else if (b is >= 0x20 and < 0x7F)
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
            }
        }
    }
}
