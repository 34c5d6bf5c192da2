using System.Text.RegularExpressions;

namespace PmuConformance.Cli;

/// <summary>
/// System.CommandLine names the .NET type an option wanted ("as expected type
/// 'System.Nullable`1[System.Double]'"); a user needs to hear "a number".
/// </summary>
public static partial class ParseErrors
{
    public static string Readable(string message) =>
        ExpectedType().Replace(message, match => $"as {Describe(match.Groups["type"].Value)}");

    private static string Describe(string type) => type switch
    {
        _ when type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) => "a number (such as 10 or 2.5)",
        _ when type.Contains("Int", StringComparison.Ordinal) => "a whole number",
        _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ => "a value of the right kind",
    };

    [GeneratedRegex(@"as expected type '(?<type>[^']*)'")]
    private static partial Regex ExpectedType();
}
