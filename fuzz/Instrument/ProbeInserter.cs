using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace PmuConformance.Fuzz.Instrument;

/// <summary>Adds an edge probe at the start of every basic block of one method.</summary>
/// <remarks>
/// The probe is <c>Map[id ^ Prev]++; Prev = id &gt;&gt; 1</c>. It is not inserted before the block's
/// first instruction: branches, exception-handler boundaries and sequence points refer to that
/// <see cref="Instruction"/> object and would skip an inserted probe. Instead the object itself
/// becomes the probe's first instruction and a copy of the original follows the probe, so every
/// reference now lands on the probe and nothing needs retargeting. The probe leaves the evaluation
/// stack as it found it, so it is valid even at a catch handler's start (exception on the stack).
/// </remarks>
internal sealed class ProbeInserter(FieldReference map, FieldReference prev)
{
    /// <summary>Instruments <paramref name="method"/>; returns the number of probes added.</summary>
    public int Instrument(MethodDefinition method, Func<int, int> blockId)
    {
        MethodBody body = method.Body;
        // Long branch forms first: the probes lengthen the code and short branches would overflow.
        body.SimplifyMacros();
        List<Instruction> starts = BlockFinder.FindStarts(body);

        // Inserting from the last block backwards keeps the indices of earlier blocks valid.
        var indexOf = new Dictionary<Instruction, int>(body.Instructions.Count);
        for (int i = 0; i < body.Instructions.Count; i++)
        {
            indexOf[body.Instructions[i]] = i;
        }

        for (int ordinal = starts.Count - 1; ordinal >= 0; ordinal--)
        {
            Instruction start = starts[ordinal];
            InsertProbe(body, start, indexOf[start], blockId(ordinal));
        }

        body.OptimizeMacros();
        return starts.Count;
    }

    private void InsertProbe(MethodBody body, Instruction start, int index, int id)
    {
        Instruction original = Instruction.Create(OpCodes.Nop);
        original.OpCode = start.OpCode;
        original.Operand = start.Operand;

        start.OpCode = OpCodes.Ldsfld;
        start.Operand = map;
        Instruction[] tail =
        [
            Instruction.Create(OpCodes.Ldc_I4, id),
            Instruction.Create(OpCodes.Ldsfld, prev),
            Instruction.Create(OpCodes.Xor),
            Instruction.Create(OpCodes.Add),           // &Map[id ^ Prev]
            Instruction.Create(OpCodes.Dup),
            Instruction.Create(OpCodes.Ldind_U1),
            Instruction.Create(OpCodes.Ldc_I4_1),
            Instruction.Create(OpCodes.Add),
            Instruction.Create(OpCodes.Stind_I1),      // Map[id ^ Prev]++ (wraps at 256 like AFL)
            Instruction.Create(OpCodes.Ldc_I4, id >> 1),
            Instruction.Create(OpCodes.Stsfld, prev),  // Prev = id >> 1
            original,
        ];

        for (int i = 0; i < tail.Length; i++)
        {
            body.Instructions.Insert(index + 1 + i, tail[i]);
        }
    }
}
