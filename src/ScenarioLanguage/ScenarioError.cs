namespace PmuConformance.Scenarios;

/// <summary>
/// A scenario that cannot be read or makes no sense (a malformed line, a guest step before
/// <c>run</c>...). Never a conformance failure and never a crash: reported as <c>file:line: message</c>.
/// </summary>
public sealed class ScenarioException(string source, int line, string message)
    : Exception(line > 0 ? $"{source}:{line}: {message}" : $"{source}: {message}")
{
    public string SourceName { get; } = source;

    public int Line { get; } = line;

    public string Reason { get; } = message;
}
