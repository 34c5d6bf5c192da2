namespace PmuConformance.Scenarios;

/// <summary>Linux errno values that the PMU uAPI returns.</summary>
public enum Errno
{
    EPERM = 1,
    ENOENT = 2,
    ENXIO = 6,
    EFAULT = 14,
    EBUSY = 16,
    ENODEV = 19,
    EINVAL = 22,
}

public enum OutcomeKind
{
    /// <summary>The step yields nothing (events, hyp transitions, put/load).</summary>
    Nothing,
    Ok,
    Errno,
    Undef,
    Value,
}

/// <summary>What one step produced: the unit of a transcript and of an expectation.</summary>
public readonly record struct Outcome(OutcomeKind Kind, ulong Value = 0)
{
    public static readonly Outcome Nothing = new(OutcomeKind.Nothing);
    public static readonly Outcome Ok = new(OutcomeKind.Ok);
    public static readonly Outcome Undef = new(OutcomeKind.Undef);

    public static Outcome Error(Errno errno) => new(OutcomeKind.Errno, (ulong)errno);

    public static Outcome Of(ulong value) => new(OutcomeKind.Value, value);

    public Errno AsErrno => (Errno)Value;

    public bool IsError(Errno errno) => Kind == OutcomeKind.Errno && AsErrno == errno;

    public override string ToString() => Kind switch
    {
        OutcomeKind.Nothing => "nothing",
        OutcomeKind.Ok => "ok",
        OutcomeKind.Errno => AsErrno.ToString(),
        OutcomeKind.Undef => "undef",
        OutcomeKind.Value => Numbers.Hex(Value),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Parses the text of an expectation; <paramref name="yields"/> says which forms fit the step.</summary>
    public static bool TryParse(string text, StepYield yields, out Outcome outcome)
    {
        if (yields == StepYield.ValueOrStatus)
        {
            // get-reg: a number, or the errno of a refused KVM_GET_ONE_REG (never "ok").
            return TryParse(text, StepYield.Value, out outcome) && outcome.Kind == OutcomeKind.Value
                || TryParse(text, StepYield.Status, out outcome) && outcome.Kind == OutcomeKind.Errno;
        }
        outcome = default;
        switch (yields)
        {
            case StepYield.Status when text == "ok":
                outcome = Ok;
                return true;
            case StepYield.Status when Enum.TryParse<Errno>(text.ToUpperInvariant(), out var errno)
                && Enum.IsDefined(errno) && !text.All(char.IsAsciiDigit):
                outcome = Error(errno);
                return true;
            case StepYield.Value when text == "undef":
            case StepYield.Access when text == "undef":
                outcome = Undef;
                return true;
            case StepYield.Access when text == "ok":
                outcome = Ok;
                return true;
            case StepYield.Value when Numbers.TryParse(text, out var value):
                outcome = Of(value);
                return true;
            default:
                return false;
        }
    }
}
