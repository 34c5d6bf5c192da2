using System.Buffers.Binary;

namespace PmuConformance.Fuzz.Engine.Mutation;

/// <summary>
/// AFL-style "havoc": a stack of 1 to 16 random edits (bit flips, random bytes, interesting
/// 8/16/32-bit values in both byte orders, small arithmetic, block deletes/inserts/copies,
/// dictionary tokens, and splices with another corpus input). Every choice comes from the
/// <see cref="FuzzRandom"/>, so the sequence of inputs is fixed by the seed.
/// </summary>
internal sealed class Mutator(FuzzRandom random, IReadOnlyList<byte[]> tokens, int maxLength)
{
    private const int ArithMax = 35;
    private readonly byte[] _buffer = new byte[maxLength];
    private readonly Edit[] _edits = tokens.Count > 0
        ? Enum.GetValues<Edit>()
        : [.. Enum.GetValues<Edit>().Where(edit => edit is not (Edit.InsertToken or Edit.OverwriteToken))];

    private int _length;

    private enum Edit
    {
        FlipBit,
        RandomByte,
        Interesting8,
        Interesting16,
        Interesting32,
        Arith8,
        Arith16,
        Arith32,
        DeleteBlock,
        InsertBlock,
        OverwriteBlock,
        InsertToken,
        OverwriteToken,
        Splice,
    }

    /// <summary>
    /// Returns a mutated copy of <paramref name="parent"/>; <paramref name="pickOther"/> supplies
    /// a splice partner. The span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Mutate(ReadOnlySpan<byte> parent, Func<byte[]> pickOther)
    {
        _length = Math.Min(parent.Length, _buffer.Length);
        parent[.._length].CopyTo(_buffer);
        int edits = 1 << random.Below(5);
        for (int applied = 0, attempts = 0; applied < edits && attempts < edits * 8; attempts++)
        {
            if (Apply(_edits[random.Below(_edits.Length)], pickOther))
            {
                applied++;
            }
        }

        return _buffer.AsSpan(0, _length);
    }

    private bool Apply(Edit edit, Func<byte[]> pickOther) => edit switch
    {
        Edit.FlipBit => FlipBit(),
        Edit.RandomByte => RandomByte(),
        Edit.Interesting8 => Interesting8(),
        Edit.Interesting16 => WriteInteger(2, (ulong)InterestingValues.Int16[random.Below(InterestingValues.Int16.Length)]),
        Edit.Interesting32 => WriteInteger(4, (ulong)InterestingValues.Int32[random.Below(InterestingValues.Int32.Length)]),
        Edit.Arith8 => Arith(1),
        Edit.Arith16 => Arith(2),
        Edit.Arith32 => Arith(4),
        Edit.DeleteBlock => DeleteBlock(),
        Edit.InsertBlock => InsertBlock(),
        Edit.OverwriteBlock => OverwriteBlock(),
        Edit.InsertToken => InsertToken(),
        Edit.OverwriteToken => OverwriteToken(),
        Edit.Splice => Splice(pickOther()),
        _ => false,
    };

    private bool FlipBit()
    {
        if (_length == 0)
        {
            return false;
        }

        _buffer[random.Below(_length)] ^= (byte)(1 << random.Below(8));
        return true;
    }

    private bool RandomByte()
    {
        if (_length == 0)
        {
            return false;
        }

        // XOR with 1..255 so the byte always changes.
        _buffer[random.Below(_length)] ^= (byte)random.Between(1, 255);
        return true;
    }

    private bool Interesting8()
    {
        if (_length == 0)
        {
            return false;
        }

        _buffer[random.Below(_length)] = (byte)InterestingValues.Int8[random.Below(InterestingValues.Int8.Length)];
        return true;
    }

    private bool WriteInteger(int width, ulong value)
    {
        if (_length < width)
        {
            return false;
        }

        Span<byte> target = _buffer.AsSpan(random.Below(_length - width + 1), width);
        bool bigEndian = random.Chance(2);
        if (width == 2)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(target, (ushort)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)value);
            }
        }
        else if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(target, (uint)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)value);
        }

        return true;
    }

    private bool Arith(int width)
    {
        if (_length < width)
        {
            return false;
        }

        int position = random.Below(_length - width + 1);
        int delta = random.Between(1, ArithMax) * (random.Chance(2) ? 1 : -1);
        Span<byte> target = _buffer.AsSpan(position, width);
        bool bigEndian = random.Chance(2);
        switch (width)
        {
            case 1:
                target[0] = (byte)(target[0] + delta);
                break;
            case 2 when bigEndian:
                BinaryPrimitives.WriteUInt16BigEndian(target, (ushort)(BinaryPrimitives.ReadUInt16BigEndian(target) + delta));
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(target) + delta));
                break;
            case 4 when bigEndian:
                BinaryPrimitives.WriteUInt32BigEndian(target, (uint)(BinaryPrimitives.ReadUInt32BigEndian(target) + delta));
                break;
            default:
                BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)(BinaryPrimitives.ReadUInt32LittleEndian(target) + delta));
                break;
        }

        return true;
    }

    private bool DeleteBlock()
    {
        if (_length < 2)
        {
            return false;
        }

        int count = BlockLength(_length - 1);
        int from = random.Below(_length - count + 1);
        _buffer.AsSpan(from + count, _length - from - count).CopyTo(_buffer.AsSpan(from));
        _length -= count;
        return true;
    }

    private bool InsertBlock()
    {
        int room = _buffer.Length - _length;
        if (room == 0)
        {
            return false;
        }

        int at = random.Below(_length + 1);
        // Usually clone a piece of the input (structure repeats); otherwise a run of one byte.
        if (_length > 0 && !random.Chance(4))
        {
            int count = BlockLength(Math.Min(_length, room));
            int from = random.Below(_length - count + 1);
            byte[] clone = _buffer.AsSpan(from, count).ToArray();
            return Insert(at, clone);
        }

        int runLength = BlockLength(room);
        byte value = random.Chance(2) ? random.NextByte() : _length > 0 ? _buffer[random.Below(_length)] : (byte)0;
        OpenGap(at, runLength);
        _buffer.AsSpan(at, runLength).Fill(value);
        return true;
    }

    private bool OverwriteBlock()
    {
        if (_length < 2)
        {
            return false;
        }

        int count = BlockLength(_length - 1);
        int from = random.Below(_length - count + 1);
        int to = random.Below(_length - count + 1);
        _buffer.AsSpan(from, count).CopyTo(_buffer.AsSpan(to, count));
        return from != to;
    }

    private bool InsertToken() => Insert(random.Below(_length + 1), tokens[random.Below(tokens.Count)]);

    private bool OverwriteToken()
    {
        byte[] token = tokens[random.Below(tokens.Count)];
        if (token.Length > _length)
        {
            return false;
        }

        token.CopyTo(_buffer.AsSpan(random.Below(_length - token.Length + 1)));
        return true;
    }

    // Crossover: a prefix of this input followed by a suffix of another corpus input.
    private bool Splice(byte[] other)
    {
        if (other.Length == 0)
        {
            return false;
        }

        int keep = random.Below(_length + 1);
        int from = random.Below(other.Length);
        int count = Math.Min(other.Length - from, _buffer.Length - keep);
        other.AsSpan(from, count).CopyTo(_buffer.AsSpan(keep));
        _length = keep + count;
        return true;
    }

    private bool Insert(int at, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0 || bytes.Length > _buffer.Length - _length)
        {
            return false;
        }

        OpenGap(at, bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(at));
        return true;
    }

    private void OpenGap(int at, int count)
    {
        _buffer.AsSpan(at, _length - at).CopyTo(_buffer.AsSpan(at + count));
        _length += count;
    }

    // Mostly short blocks, like AFL's choose_block_len: long ones rarely help and cost speed.
    private int BlockLength(int limit)
    {
        int cap = random.Below(10) switch
        {
            < 6 => 8,
            < 9 => 64,
            _ => 1024,
        };
        return random.Between(1, Math.Max(1, Math.Min(cap, limit)));
    }
}
