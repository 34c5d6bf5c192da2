using System.Globalization;
using System.Text;

namespace PmuConformance.Fuzz.Engine.Mutation;

/// <summary>Reads AFL dictionary files: lines <c>name="value"</c> or <c>"value"</c>, with \\, \" and \xNN escapes.</summary>
public static class AflDictionary
{
    /// <summary>Tokens of one file, in file order. Malformed lines are skipped.</summary>
    public static IReadOnlyList<byte[]> Load(string path)
    {
        var tokens = new List<byte[]>();
        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int open = line.IndexOf('"', StringComparison.Ordinal);
            if (open < 0 || !line.EndsWith('"') || line.Length - open < 2)
            {
                continue;
            }

            if (Unescape(line.AsSpan(open + 1, line.Length - open - 2)) is { Length: > 0 } token)
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    /// <summary>Tokens of several files plus extra ones, without duplicates.</summary>
    public static IReadOnlyList<byte[]> Merge(IEnumerable<string> files, IEnumerable<byte[]> extra)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<byte[]>();
        foreach (byte[] token in files.SelectMany(Load).Concat(extra))
        {
            if (token.Length > 0 && seen.Add(Convert.ToHexString(token)))
            {
                merged.Add(token);
            }
        }

        return merged;
    }

    private static byte[]? Unescape(ReadOnlySpan<char> text)
    {
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\\')
            {
                if (c > 0x7F)
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                }
                else
                {
                    bytes.Add((byte)c);
                }

                continue;
            }

            if (i + 1 >= text.Length)
            {
                return null;
            }

            char next = text[++i];
            if (next is '\\' or '"')
            {
                bytes.Add((byte)next);
            }
            else if (next == 'x' && i + 2 < text.Length
                && byte.TryParse(text.Slice(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte value))
            {
                bytes.Add(value);
                i += 2;
            }
            else
            {
                return null;
            }
        }

        return [.. bytes];
    }
}
