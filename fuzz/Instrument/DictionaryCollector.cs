using System.Buffers.Binary;
using System.Text;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace PmuConformance.Fuzz.Instrument;

/// <summary>
/// Gathers byte strings a parser is likely to compare input against: <c>ldstr</c> strings, u8 and
/// array literals (<c>ldsflda</c> of initialised data), and integer constants too wide for random
/// mutation to hit (outside -1..255), in both byte orders. Without these neither engine gets past
/// a 32-bit magic compare in reasonable time; with them it takes about a second.
/// </summary>
internal sealed class DictionaryCollector(CoverageRuntime runtime)
{
    /// <summary>AFL rejects dictionary entries longer than this (MAX_DICT_FILE).</summary>
    public const int MaxTokenLength = 128;

    private readonly List<byte[]> _tokens = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public IReadOnlyList<byte[]> Tokens => _tokens;

    public void Collect(MethodBody body)
    {
        Instruction? instruction = body.Instructions.Count > 0 ? body.Instructions[0] : null;
        while (instruction is not null)
        {
            // Skip the probes of an already instrumented body: their ids are constants too.
            if (instruction.OpCode == OpCodes.Ldsfld && instruction.Operand is FieldReference f && runtime.IsMapField(f))
            {
                instruction = SkipProbe(instruction);
                continue;
            }

            CollectFrom(instruction);
            instruction = instruction.Next;
        }
    }

    private Instruction? SkipProbe(Instruction probeStart)
    {
        Instruction? current = probeStart;
        while (current is not null && !(current.OpCode == OpCodes.Stsfld && current.Operand is FieldReference f && runtime.IsPrevField(f)))
        {
            current = current.Next;
        }

        return current?.Next;
    }

    private void CollectFrom(Instruction instruction)
    {
        switch (instruction.Operand)
        {
            case string text when instruction.OpCode == OpCodes.Ldstr:
                Add(Encoding.UTF8.GetBytes(text));
                break;
            case long wide when instruction.OpCode == OpCodes.Ldc_I8:
                AddInteger(wide);
                break;
            case int value when instruction.OpCode == OpCodes.Ldc_I4:
                AddInteger(value);
                break;
            case sbyte small when instruction.OpCode == OpCodes.Ldc_I4_S:
                AddInteger(small);
                break;
            // u8 literals load their bytes with ldsflda, array initialisers with ldtoken.
            case FieldReference field when instruction.OpCode == OpCodes.Ldsflda || instruction.OpCode == OpCodes.Ldtoken:
                if (field.Resolve() is { InitialValue: { Length: > 1 } data })
                {
                    // A u8 literal's data carries a NUL terminator; the span length follows the ldsflda.
                    int length = LoadedInt32(instruction.Next) is int n && n > 0 && n <= data.Length ? n : data.Length;
                    Add(data[..length]);
                }

                break;
        }
    }

    private static int? LoadedInt32(Instruction? instruction)
    {
        if (instruction is null)
        {
            return null;
        }

        return instruction.Operand switch
        {
            int value when instruction.OpCode == OpCodes.Ldc_I4 => value,
            sbyte value when instruction.OpCode == OpCodes.Ldc_I4_S => value,
            _ when instruction.OpCode.Code is >= Code.Ldc_I4_0 and <= Code.Ldc_I4_8 => instruction.OpCode.Code - Code.Ldc_I4_0,
            _ => null,
        };
    }

    private void AddInteger(long value)
    {
        if (value is >= -1 and <= 255)
        {
            return;
        }

        if (value is >= short.MinValue and <= ushort.MaxValue)
        {
            Span<byte> two = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(two, (ushort)value);
            Add(two.ToArray());
            BinaryPrimitives.WriteUInt16BigEndian(two, (ushort)value);
            Add(two.ToArray());
        }
        else if (value is >= int.MinValue and <= uint.MaxValue)
        {
            Span<byte> four = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(four, (uint)value);
            Add(four.ToArray());
            BinaryPrimitives.WriteUInt32BigEndian(four, (uint)value);
            Add(four.ToArray());
        }
        else
        {
            Span<byte> eight = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(eight, value);
            Add(eight.ToArray());
            BinaryPrimitives.WriteInt64BigEndian(eight, value);
            Add(eight.ToArray());
        }
    }

    private void Add(byte[] token)
    {
        if (token.Length is 0 or > MaxTokenLength)
        {
            return;
        }

        if (_seen.Add(Convert.ToHexString(token)))
        {
            _tokens.Add(token);
        }
    }
}
