using System.Text;
using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary>One step line whose expectation <c>--bless</c> should set to what the target produced.</summary>
/// <param name="Line">1-based line number, as <see cref="ScenarioStep.Line"/>.</param>
public sealed record ExpectationUpdate(int Line, Outcome Observed);

/// <summary>
/// Rewrites the expectation part of step lines of a <c>.pmu</c> text and nothing else: every
/// other line, comment, line ending and the spacing around the step text stay byte-for-byte.
/// </summary>
public static class ExpectationRewriter
{
    /// <summary>The column of <c>-&gt;</c> when no line of the file shows one (ScenarioPrinter's layout).</summary>
    public const int DefaultArrowColumn = 34;

    /// <summary>
    /// Applies the updates: a line with <c>-&gt; X</c> (or the placeholder <c>-&gt; ?</c>) gets
    /// <c>-&gt; observed</c>; a line without <c>-&gt;</c> gets one only when
    /// <paramref name="addMissing"/>, aligned with the file's other arrows. Updates for lines that
    /// do not exist, and updates of outcome <see cref="Outcome.Nothing"/>, are ignored.
    /// </summary>
    /// <returns>The new text and how many lines changed.</returns>
    public static (string Text, int ChangedLines) Rewrite(string text, IEnumerable<ExpectationUpdate> updates, bool addMissing)
    {
        var lines = SplitKeepingEndings(text);
        var arrowColumn = UsualArrowColumn(lines);
        var changed = 0;
        foreach (var update in updates)
        {
            if (update.Line < 1 || update.Line > lines.Count || update.Observed.Kind == OutcomeKind.Nothing)
            {
                continue;
            }
            var (content, ending) = lines[update.Line - 1];
            var rewritten = RewriteLine(content, update.Observed.ToString(), addMissing, arrowColumn);
            if (rewritten != content)
            {
                lines[update.Line - 1] = (rewritten, ending);
                changed++;
            }
        }
        var result = new StringBuilder(text.Length + 16 * changed);
        foreach (var (content, ending) in lines)
        {
            result.Append(content).Append(ending);
        }
        return (result.ToString(), changed);
    }

    /// <summary>One line (without its ending) with its expectation set to <paramref name="value"/>.</summary>
    public static string RewriteLine(string line, string value, bool addMissing, int arrowColumn = DefaultArrowColumn)
    {
        // The parser reads '->' only before the first '#'; the comment is kept as it is.
        var hash = line.IndexOf('#');
        var code = hash >= 0 ? line[..hash] : line;
        var comment = hash >= 0 ? line[hash..] : "";
        var arrow = code.IndexOf("->", StringComparison.Ordinal);
        if (arrow >= 0)
        {
            return ReplaceValue(code, arrow, value) + comment;
        }
        if (!addMissing || code.Trim().Length == 0)
        {
            return line;
        }
        var step = code.TrimEnd();
        var gapBeforeComment = code[step.Length..];
        var padding = Math.Max(1, arrowColumn - step.Length);
        var added = step + new string(' ', padding) + "-> " + value;
        return comment.Length == 0 ? added : added + (gapBeforeComment.Length > 0 ? gapBeforeComment : " ") + comment;
    }

    /// <summary>
    /// Replaces the token after the arrow. The spaces after it shrink or grow so that a comment
    /// further right keeps its column when there is room (at least one space stays).
    /// </summary>
    private static string ReplaceValue(string code, int arrow, string value)
    {
        var start = arrow + 2;
        while (start < code.Length && code[start] is ' ' or '\t')
        {
            start++;
        }
        var end = start;
        while (end < code.Length && code[end] is not (' ' or '\t'))
        {
            end++;
        }
        var tail = code[end..];
        var beforeValue = code[..start];
        if (start == arrow + 2)
        {
            beforeValue += " "; // "->0x1" or a bare "->": keep the language's usual "-> X"
        }
        if (tail.Length > 0 && tail.Trim().Length == 0 && !tail.Contains('\t'))
        {
            var lengthChange = value.Length - (end - start);
            tail = new string(' ', Math.Max(1, tail.Length - lengthChange));
        }
        return beforeValue + value + tail;
    }

    /// <summary>The most common column of '-&gt;' among the lines, or the default when none has one.</summary>
    private static int UsualArrowColumn(List<(string Content, string Ending)> lines)
    {
        var columns = new Dictionary<int, int>();
        foreach (var (content, _) in lines)
        {
            var hash = content.IndexOf('#');
            var code = hash >= 0 ? content[..hash] : content;
            var arrow = code.IndexOf("->", StringComparison.Ordinal);
            if (arrow > 0)
            {
                columns[arrow] = columns.GetValueOrDefault(arrow) + 1;
            }
        }
        return columns.Count == 0
            ? DefaultArrowColumn
            : columns.OrderByDescending(c => c.Value).ThenBy(c => c.Key).First().Key;
    }

    /// <summary>Lines as the parser numbers them (split at '\n'), each with its own ending ("\n", "\r\n" or "").</summary>
    private static List<(string Content, string Ending)> SplitKeepingEndings(string text)
    {
        var lines = new List<(string, string)>();
        var start = 0;
        while (start <= text.Length)
        {
            var newline = text.IndexOf('\n', start);
            if (newline < 0)
            {
                lines.Add((text[start..], ""));
                break;
            }
            var contentEnd = newline > start && text[newline - 1] == '\r' ? newline - 1 : newline;
            lines.Add((text[start..contentEnd], text[contentEnd..(newline + 1)]));
            start = newline + 1;
        }
        return lines;
    }
}
