namespace PmuConformance.Scenarios;

/// <summary>
/// The words after a step's keyword, with the readers every step's <c>Parse</c> uses. Every problem
/// becomes a <see cref="ScenarioException"/> at the step's line.
/// </summary>
public sealed class StepArguments(string source, int line, Setup setup, int vcpu, string keyword, string[] words)
{
    /// <summary>The vCPU of the <c>vcpu i:</c> prefix (0 without one).</summary>
    public int Vcpu { get; } = vcpu;

    /// <summary>The set-up lines read so far.</summary>
    public Setup Setup { get; } = setup;

    public string Keyword { get; } = keyword;

    public IReadOnlyList<string> Words { get; } = words;

    public int Count => Words.Count;

    public string this[int index] => Words[index];

    public ScenarioException Error(string message) => new(source, line, message);

    /// <summary>The only argument; <paramref name="usage"/> is shown when there is not exactly one.</summary>
    public string One(string usage) => Count == 1 ? Words[0] : throw Error($"expected '{usage}'");

    /// <summary>Returns <paramref name="step"/> when the keyword has no arguments.</summary>
    public T None<T>(T step) => Count == 0 ? step : throw Error($"'{Keyword}' takes no arguments");

    /// <summary>Returns <paramref name="value"/> when the VM is nested, else a scenario error.</summary>
    public T NeedsNested<T>(T value) =>
        Setup.Vm.Nested ? value : throw Error("needs a nested VM ('vm nested=on')");

    public ulong Number(string text, ulong max, string what) => ReadNumber(text, max, what, Error);

    /// <summary>Reads a decimal or 0x-hex number up to <paramref name="max"/>.</summary>
    public static ulong ReadNumber(string text, ulong max, string what, Func<string, ScenarioException> error)
    {
        if (!Numbers.TryParse(text, out var value))
        {
            throw error($"{what}: '{text}' is not a number (decimal or 0x hex)");
        }
        if (value > max)
        {
            // Small limits (vCPUs, counters) read better in decimal; register-sized ones in hex.
            var limit = max < 256 ? Numbers.Decimal(max) : Numbers.Hex(max);
            throw error($"{what}: {text} is out of range (at most {limit})");
        }
        return value;
    }

    public ushort Event(string text, string what) =>
        Events.TryParse(text, out var e) ? e : throw Error($"{what}: '{text}' is not an event name or a number up to 0xffff");

    /// <summary>
    /// A register name; <c>mdcr_el2</c> only in a nested VM (for the guest; userspace may name it in
    /// any VM: outside a nested one it is not in the register list, V1), the <c>irq</c>
    /// pseudo-register only if allowed.
    /// </summary>
    public Register Register(string text, bool allowIrq = true, bool userspace = false)
    {
        if (!Scenarios.Register.TryParse(text, out var register))
        {
            throw Error($"unknown register '{text}'");
        }
        if (register.Kind == RegisterKind.MdcrEl2 && !Setup.Vm.Nested && !userspace)
        {
            throw Error("mdcr_el2 needs a nested VM ('vm nested=on')");
        }
        if (register.Kind == RegisterKind.Irq && !allowIrq)
        {
            throw Error("irq is the interrupt line, not a register: only 'read irq' shows it");
        }
        return register;
    }
}
