namespace PmuConformance.Fuzz.Engine;

/// <summary>
/// Code under test: runs one input. Any exception it throws is a finding unless the options'
/// <see cref="FuzzOptions.IsFinding"/> (or the definition's) says the exception is an expected
/// rejection. It must be single-threaded and keep no state between calls.
/// </summary>
public delegate void FuzzTarget(ReadOnlySpan<byte> input);

/// <summary>A named target a harness executable exposes.</summary>
/// <param name="Name">The name used on the command line.</param>
/// <param name="Target">The code to run per input.</param>
public sealed record FuzzTargetDefinition(string Name, FuzzTarget Target)
{
    /// <summary>
    /// Which exceptions are findings; null means every exception. For example, a decoder that
    /// rejects malformed input with FormatException passes <c>e =&gt; e is not FormatException</c>.
    /// </summary>
    public Func<Exception, bool>? IsFinding { get; init; }

    /// <summary>One line for the harness's target list.</summary>
    public string Description { get; init; } = "";
}
