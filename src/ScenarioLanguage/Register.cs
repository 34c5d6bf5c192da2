namespace PmuConformance.Scenarios;

public enum RegisterKind
{
    Pmcr,
    PmcntenSet,
    PmcntenClr,
    PmintenSet,
    PmintenClr,
    PmovsSet,
    PmovsClr,
    Pmselr,
    Pmxevtyper,
    Pmxevcntr,
    Pmevtyper,
    Pmevcntr,
    Pmccfiltr,
    Pmccntr,
    Pmceid0,
    Pmceid1,
    MdcrEl2,
    IdAa64dfr0,

    /// <summary>The pseudo-register for the PMU interrupt line level (O3).</summary>
    Irq,
}

/// <summary>A guest-visible register; <see cref="Index"/> is the counter number of PMEVTYPER/PMEVCNTR.</summary>
public readonly record struct Register(RegisterKind Kind, int Index = 0)
{
    /// <summary>The index 31 names the cycle counter in the enable, overflow and interrupt registers.</summary>
    public const int CycleCounter = 31;

    public static readonly Register Pmcr = new(RegisterKind.Pmcr);
    public static readonly Register PmcntenSet = new(RegisterKind.PmcntenSet);
    public static readonly Register PmcntenClr = new(RegisterKind.PmcntenClr);
    public static readonly Register PmintenSet = new(RegisterKind.PmintenSet);
    public static readonly Register PmintenClr = new(RegisterKind.PmintenClr);
    public static readonly Register PmovsSet = new(RegisterKind.PmovsSet);
    public static readonly Register PmovsClr = new(RegisterKind.PmovsClr);
    public static readonly Register Pmselr = new(RegisterKind.Pmselr);
    public static readonly Register Pmxevtyper = new(RegisterKind.Pmxevtyper);
    public static readonly Register Pmxevcntr = new(RegisterKind.Pmxevcntr);
    public static readonly Register Pmccfiltr = new(RegisterKind.Pmccfiltr);
    public static readonly Register Pmccntr = new(RegisterKind.Pmccntr);
    public static readonly Register Pmceid0 = new(RegisterKind.Pmceid0);
    public static readonly Register Pmceid1 = new(RegisterKind.Pmceid1);
    public static readonly Register MdcrEl2 = new(RegisterKind.MdcrEl2);
    public static readonly Register IdAa64dfr0 = new(RegisterKind.IdAa64dfr0);
    public static readonly Register Irq = new(RegisterKind.Irq);

    public static Register Pmevtyper(int n) => new(RegisterKind.Pmevtyper, n);

    public static Register Pmevcntr(int n) => new(RegisterKind.Pmevcntr, n);

    private static readonly (string Name, RegisterKind Kind)[] Names =
    [
        ("pmcr", RegisterKind.Pmcr), ("pmcntenset", RegisterKind.PmcntenSet),
        ("pmcntenclr", RegisterKind.PmcntenClr), ("pmintenset", RegisterKind.PmintenSet),
        ("pmintenclr", RegisterKind.PmintenClr), ("pmovsset", RegisterKind.PmovsSet),
        ("pmovsclr", RegisterKind.PmovsClr), ("pmselr", RegisterKind.Pmselr),
        ("pmxevtyper", RegisterKind.Pmxevtyper), ("pmxevcntr", RegisterKind.Pmxevcntr),
        ("pmccfiltr", RegisterKind.Pmccfiltr), ("pmccntr", RegisterKind.Pmccntr),
        ("pmceid0", RegisterKind.Pmceid0), ("pmceid1", RegisterKind.Pmceid1),
        ("mdcr_el2", RegisterKind.MdcrEl2), ("id_aa64dfr0", RegisterKind.IdAa64dfr0),
        ("irq", RegisterKind.Irq),
    ];

    /// <summary>Registers the guest can only read.</summary>
    public bool IsReadOnly => Kind is RegisterKind.Pmceid0 or RegisterKind.Pmceid1
        or RegisterKind.IdAa64dfr0 or RegisterKind.Irq;

    public static bool TryParse(string text, out Register register)
    {
        foreach (var (name, kind) in Names)
        {
            if (name == text)
            {
                register = new Register(kind);
                return true;
            }
        }
        foreach (var (prefix, kind) in new[] { ("pmevtyper", RegisterKind.Pmevtyper), ("pmevcntr", RegisterKind.Pmevcntr) })
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal)
                && text.Length > prefix.Length
                && text.Length <= prefix.Length + 2
                && text.AsSpan(prefix.Length).ToString().All(char.IsAsciiDigit)
                && int.TryParse(text.AsSpan(prefix.Length), out var n)
                && n <= 30
                && (n == 0 || text[prefix.Length] != '0'))
            {
                register = new Register(kind, n);
                return true;
            }
        }
        register = default;
        return false;
    }

    public override string ToString()
    {
        var kind = Kind;
        return kind switch
        {
            RegisterKind.Pmevtyper => "pmevtyper" + Index,
            RegisterKind.Pmevcntr => "pmevcntr" + Index,
            _ => Names.First(n => n.Kind == kind).Name,
        };
    }
}
