using System.Buffers.Binary;
using System.Text;

namespace PmuConformance.Fuzz.Toy;

/// <summary>A parsed record: tag and value text.</summary>
public sealed record ToyRecord(byte Tag, string Value);

/// <summary>
/// A parser in the shape of a binary frame decoder: a "TOYF" header, a big-endian record count,
/// then tag/length/value records. Malformed input is rejected with <see cref="FormatException"/>
/// (expected, not a finding). One planted bug: a checksum record (tag 0xC5) trusts its declared
/// length and reads past the end of the frame (IndexOutOfRangeException, a finding).
/// </summary>
public static class RecordParser
{
    public static readonly byte[] Header = "TOYF"u8.ToArray();

    public static IReadOnlyList<ToyRecord> Parse(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 6 || !frame[..4].SequenceEqual(Header))
        {
            throw new FormatException("missing TOYF header");
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(frame[4..]);
        if (count > 64)
        {
            throw new FormatException("too many records");
        }

        var records = new List<ToyRecord>(count);
        int offset = 6;
        for (int i = 0; i < count; i++)
        {
            if (offset + 2 > frame.Length)
            {
                throw new FormatException("truncated record header");
            }

            byte tag = frame[offset];
            int length = frame[offset + 1];
            offset += 2;
            records.Add(tag switch
            {
                0x01 => new ToyRecord(tag, ReadText(frame, offset, length)),
                0x02 => new ToyRecord(tag, ReadNumber(frame, offset, length)),
                0xC5 => new ToyRecord(tag, ReadChecksum(frame, offset, length)),
                _ => throw new FormatException($"unknown tag {tag}"),
            });
            offset += length;
        }

        return records;
    }

    private static string ReadText(ReadOnlySpan<byte> frame, int offset, int length)
    {
        if (offset + length > frame.Length)
        {
            throw new FormatException("truncated text");
        }

        return Encoding.ASCII.GetString(frame.Slice(offset, length));
    }

    private static string ReadNumber(ReadOnlySpan<byte> frame, int offset, int length)
    {
        if (length != 4 || offset + 4 > frame.Length)
        {
            throw new FormatException("bad number");
        }

        return BinaryPrimitives.ReadInt32BigEndian(frame[offset..]).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string ReadChecksum(ReadOnlySpan<byte> frame, int offset, int length)
    {
        // The planted bug: no bounds check against the frame length.
        int sum = 0;
        for (int i = 0; i < length; i++)
        {
            sum += frame[offset + i];
        }

        return sum.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
