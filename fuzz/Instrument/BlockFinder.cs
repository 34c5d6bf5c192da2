using Mono.Cecil.Cil;

namespace PmuConformance.Fuzz.Instrument;

/// <summary>Finds the first instruction of every basic block of a method body.</summary>
internal static class BlockFinder
{
    /// <summary>
    /// Block starts in instruction order: the first instruction, every branch and switch target,
    /// the instruction after any branch, return or throw, and every try, handler and filter start.
    /// </summary>
    public static List<Instruction> FindStarts(MethodBody body)
    {
        var starts = new HashSet<Instruction>();
        CollectStarts(body, starts);
        var ordered = new List<Instruction>(starts.Count);
        foreach (Instruction instruction in body.Instructions)
        {
            if (starts.Contains(instruction))
            {
                ordered.Add(instruction);
            }
        }

        return ordered;
    }

    private static void CollectStarts(MethodBody body, HashSet<Instruction> starts)
    {
        starts.Add(body.Instructions[0]);
        foreach (Instruction instruction in body.Instructions)
        {
            switch (instruction.OpCode.FlowControl)
            {
                case FlowControl.Branch:
                case FlowControl.Cond_Branch:
                    AddTargets(instruction.Operand, starts);
                    AddIfPresent(instruction.Next, starts);
                    break;
                case FlowControl.Return:
                case FlowControl.Throw:
                    AddIfPresent(instruction.Next, starts);
                    break;
            }
        }

        foreach (ExceptionHandler handler in body.ExceptionHandlers)
        {
            AddIfPresent(handler.TryStart, starts);
            AddIfPresent(handler.HandlerStart, starts);
            AddIfPresent(handler.FilterStart, starts);
        }
    }

    private static void AddTargets(object operand, HashSet<Instruction> starts)
    {
        switch (operand)
        {
            case Instruction target:
                starts.Add(target);
                break;
            case Instruction[] targets:
                foreach (Instruction target in targets)
                {
                    starts.Add(target);
                }

                break;
        }
    }

    private static void AddIfPresent(Instruction? instruction, HashSet<Instruction> starts)
    {
        if (instruction is not null)
        {
            starts.Add(instruction);
        }
    }
}
