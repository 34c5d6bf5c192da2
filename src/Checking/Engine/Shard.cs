using System.Text.RegularExpressions;

namespace PmuConformance.Checking.Engine;

/// <summary>
/// One part of a run (<c>--shard i/n</c>, 1 &lt;= i &lt;= n): item k of the run (a corpus file, a
/// generated case, a round of the property engine) belongs to shard <c>(k mod n) + 1</c>, so n
/// machines (or n QEMUs) split a run deterministically and their results merge into the run's report.
/// </summary>
public readonly partial record struct Shard(int Index, int Count)
{
    public static readonly Shard All = new(1, 1);

    public bool IsAll => Count == 1;

    /// <summary>Whether item <paramref name="k"/> (0-based, in the run's order) is this shard's.</summary>
    public bool Takes(long k) => k % Count == Index - 1;

    public IEnumerable<T> Of<T>(IEnumerable<T> items)
    {
        var shard = this;
        return items.Where((_, k) => shard.Takes(k));
    }

    public override string ToString() => $"{Index}/{Count}";

    /// <summary><c>i/n</c> with 1 &lt;= i &lt;= n; null with a message otherwise.</summary>
    public static Shard? Parse(string text, out string? error)
    {
        error = null;
        var match = Pattern().Match(text);
        if (match.Success && int.TryParse(match.Groups[1].Value, out var i) && int.TryParse(match.Groups[2].Value, out var n) && n >= 1 && i >= 1 && i <= n)
        {
            return new Shard(i, n);
        }
        error = $"--shard: '{text}' is not i/n with 1 <= i <= n";
        return null;
    }

    [GeneratedRegex(@"^(\d+)/(\d+)$")]
    private static partial Regex Pattern();
}
