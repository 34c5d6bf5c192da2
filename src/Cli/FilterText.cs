using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary>One filter as the user wrote it, and the FILTER call it stands for.</summary>
public sealed record ParsedFilter(FilterStep Step, string Text)
{
    /// <summary>The text as written; a kvmtool entry also shows the uAPI struct it stands for.</summary>
    public string Display => Text.Contains(':') ? $"{Text} ({ScenarioPrinter.StepText(Step)["filter ".Length..]})" : Text;
}

/// <summary>Filter text that cannot be read: names the piece and says what was expected.</summary>
public sealed class FilterTextException(string message) : Exception(message);

/// <summary>
/// Reads the filters given to <c>pmuconf explain</c>. Two forms, freely mixed:
/// <list type="bullet">
/// <item>words, as in a scenario's filter step: <c>allow|deny|action=&lt;byte&gt; &lt;base&gt; &lt;nevents&gt;</c>
/// (optionally preceded by <c>filter</c>): the half-open range [base, base + nevents) of U2;</item>
/// <item>kvmtool's <c>--pmu-filter</c> entries: <c>A:&lt;first&gt;-&lt;last&gt;</c> or
/// <c>D:&lt;first&gt;-&lt;last&gt;</c>, an inclusive range.</item>
/// </list>
/// Filters may be separated by ',' or ';' (inside or between arguments) or simply follow each
/// other: a word filter always has exactly three words, so the text is never ambiguous. Numbers
/// are decimal or 0x hex ("11" is eleven; write 0x to be unambiguous).
/// </summary>
public static class FilterText
{
    private const string WordUsage = "allow|deny|action=<byte> <base> <nevents>";
    private const string KvmtoolUsage = "A:<first>-<last> or D:<first>-<last>";

    public static IReadOnlyList<ParsedFilter> Parse(IEnumerable<string> arguments)
    {
        var tokens = Tokenize(arguments);
        var filters = new List<ParsedFilter>();
        var i = 0;
        while (i < tokens.Count)
        {
            var token = tokens[i];
            if (IsSeparator(token))
            {
                i++;
            }
            else if (token.Length >= 2 && token[1] == ':')
            {
                filters.Add(ParseKvmtool(token));
                i++;
            }
            else
            {
                filters.Add(ParseWords(tokens, ref i));
            }
        }
        return filters;
    }

    private static bool IsSeparator(string token) => token is "," or ";";

    /// <summary>Words separated by white space; ',' and ';' become tokens of their own.</summary>
    private static List<string> Tokenize(IEnumerable<string> arguments)
    {
        var tokens = new List<string>();
        foreach (var argument in arguments)
        {
            var word = new System.Text.StringBuilder();
            foreach (var c in argument + " ")
            {
                if (char.IsWhiteSpace(c) || c is ',' or ';')
                {
                    if (word.Length > 0)
                    {
                        tokens.Add(word.ToString());
                        word.Clear();
                    }
                    if (c is ',' or ';')
                    {
                        tokens.Add(c.ToString());
                    }
                }
                else
                {
                    word.Append(c);
                }
            }
        }
        return tokens;
    }

    private static ParsedFilter ParseWords(List<string> tokens, ref int i)
    {
        var start = i;
        if (tokens[i] == "filter")
        {
            i++;
        }
        var actionWord = Next(tokens, ref i, "allow, deny or action=<byte> after 'filter'");
        byte action = actionWord switch
        {
            "allow" => FilterStep.Allow,
            "deny" => FilterStep.Deny,
            _ when actionWord.StartsWith("action=", StringComparison.Ordinal) => ActionByte(actionWord),
            _ => throw new FilterTextException(
                $"'{actionWord}': expected a filter ({WordUsage}, or kvmtool's {KvmtoolUsage})"),
        };
        var baseWord = Next(tokens, ref i, $"<base> after '{actionWord}' ({WordUsage})");
        if (!Events.TryParse(baseWord, out var baseEvent))
        {
            throw new FilterTextException(
                $"'{actionWord} {baseWord}': the base '{baseWord}' is not an event name or a number up to 0xffff");
        }
        var countWord = Next(tokens, ref i, $"<nevents> after '{actionWord} {baseWord}' ({WordUsage})");
        if (!Numbers.TryParse(countWord, out var count) || count > ushort.MaxValue)
        {
            throw new FilterTextException(
                $"'{actionWord} {baseWord} {countWord}': nevents '{countWord}' is not a number from 0 to 0xffff (decimal or 0x hex)");
        }
        var text = string.Join(' ', tokens[start..i]);
        return new ParsedFilter(new FilterStep(0, action, baseEvent, (ushort)count), text);
    }

    /// <summary>The next token, which must not be a separator.</summary>
    private static string Next(List<string> tokens, ref int i, string expected)
    {
        if (i >= tokens.Count)
        {
            throw new FilterTextException($"the text ends where {expected} was expected");
        }
        var token = tokens[i];
        if (IsSeparator(token))
        {
            throw new FilterTextException($"'{token}' where {expected} was expected");
        }
        i++;
        return token;
    }

    private static byte ActionByte(string word)
    {
        var digits = word["action=".Length..];
        if (!Numbers.TryParse(digits, out var value) || value > byte.MaxValue)
        {
            throw new FilterTextException($"'{word}': the action must be a byte, 0 to 255 (0 allow, 1 deny, others are refused: F4b)");
        }
        return (byte)value;
    }

    /// <summary>kvmtool: <c>A:first-last</c> / <c>D:first-last</c>, inclusive.</summary>
    private static ParsedFilter ParseKvmtool(string token)
    {
        byte action = char.ToUpperInvariant(token[0]) switch
        {
            'A' => FilterStep.Allow,
            'D' => FilterStep.Deny,
            _ => throw new FilterTextException($"'{token}': the action before ':' must be A (allow) or D (deny)"),
        };
        var range = token[2..];
        var dash = range.IndexOf('-');
        if (dash < 0)
        {
            throw new FilterTextException($"'{token}': expected a range <first>-<last> after '{token[..2]}' ({KvmtoolUsage})");
        }
        var first = KvmtoolEvent(token, range[..dash], "first");
        var last = KvmtoolEvent(token, range[(dash + 1)..], "last");
        if (last < first)
        {
            throw new FilterTextException($"'{token}': the last event {Numbers.Hex(last)} is below the first {Numbers.Hex(first)}");
        }
        var count = last - first + 1;
        if (count > ushort.MaxValue)
        {
            throw new FilterTextException(
                $"'{token}': {count} events do not fit the 16-bit nevents field (at most 0xffff; a VMM that truncates it "
                + "would install an empty range, which denies everything as a first filter: F7); split the range");
        }
        return new ParsedFilter(new FilterStep(0, action, (ushort)first, (ushort)count), token);
    }

    private static uint KvmtoolEvent(string token, string text, string which)
    {
        if (text.Length == 0)
        {
            throw new FilterTextException($"'{token}': the {which} event is missing ({KvmtoolUsage})");
        }
        if (!Numbers.TryParse(text, out var value) || value > ushort.MaxValue)
        {
            throw new FilterTextException($"'{token}': the {which} event '{text}' is not a number from 0 to 0xffff (decimal or 0x hex)");
        }
        return (uint)value;
    }
}
