namespace PmuConformance.Scenarios;

/// <summary>
/// A set of known-deviation ids (the <c>deviations</c> set-up line), compared by value so that a
/// <see cref="Setup"/> stays a value.
/// </summary>
public sealed class DeviationSet : IEquatable<DeviationSet>
{
    public static readonly DeviationSet None = new([]);

    private readonly string[] ids;

    public DeviationSet(IEnumerable<string> ids)
    {
        // KD1 < KD2 < KD10: by number, so the printed line reads in ledger order.
        this.ids = ids.Distinct().OrderBy(Number).ThenBy(id => id, StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<string> Ids => ids;

    public bool IsEmpty => ids.Length == 0;

    public bool Contains(string id) => ids.Contains(id);

    public DeviationSet Union(DeviationSet other) => new(ids.Concat(other.ids));

    public DeviationSet Except(DeviationSet other) => new(ids.Except(other.ids));

    public DeviationSet Intersect(DeviationSet other) => new(ids.Intersect(other.ids));

    public bool Equals(DeviationSet? other) => other is not null && ids.SequenceEqual(other.ids);

    public override bool Equals(object? obj) => Equals(obj as DeviationSet);

    public override int GetHashCode() => ids.Aggregate(17, (hash, id) => hash * 31 + id.GetHashCode(StringComparison.Ordinal));

    public override string ToString() => string.Join(' ', ids);

    private static int Number(string id) =>
        id.StartsWith("KD", StringComparison.Ordinal) && int.TryParse(id.AsSpan(2), out var n) ? n : int.MaxValue;
}
