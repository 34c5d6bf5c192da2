namespace PmuConformance.Cli;

/// <summary>
/// Finds the <c>-&gt; ?</c> placeholders of a <c>.pmu</c> text. The parser reads a placeholder as
/// "no expectation" (so <c>--bless</c> can fill it); replay needs to know where they are, because
/// a placeholder left unfilled must not pass as if it had been checked.
/// </summary>
public static class Placeholders
{
    /// <summary>The 1-based numbers of the lines whose expectation is <c>?</c>.</summary>
    public static IReadOnlyList<int> Lines(string text)
    {
        var lines = new List<int>();
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            var hash = line.IndexOf('#');
            var code = hash >= 0 ? line[..hash] : line;
            var arrow = code.IndexOf("->", StringComparison.Ordinal);
            if (arrow >= 0 && code[(arrow + 2)..].Trim() == "?")
            {
                lines.Add(number);
            }
        }
        return lines;
    }
}
