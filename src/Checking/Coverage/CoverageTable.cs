using System.Globalization;
using System.Text;

namespace PmuConformance.Checking.Coverage;

/// <summary>How many cases carried each label (rule id or edge class).</summary>
public sealed class CoverageTable
{
    private readonly Dictionary<string, long> counts = [];

    public long Cases { get; private set; }

    public IReadOnlyDictionary<string, long> Counts => counts;

    public void Add(IEnumerable<string> labels)
    {
        Cases++;
        foreach (var label in labels)
        {
            counts[label] = counts.GetValueOrDefault(label) + 1;
        }
    }

    public void Merge(CoverageTable other)
    {
        Cases += other.Cases;
        foreach (var (label, count) in other.counts)
        {
            counts[label] = counts.GetValueOrDefault(label) + count;
        }
    }

    public long Count(string label) => counts.GetValueOrDefault(label);

    /// <summary>Required rule ids (<see cref="RuleIds.Required"/>) that no case exercised.</summary>
    public IReadOnlyList<string> MissingRules => RuleIds.Required.Where(id => Count(id) == 0).ToList();

    /// <summary>Key edge classes (<see cref="EdgeClasses.Key"/>) that no case belonged to.</summary>
    public IReadOnlyList<string> MissingClasses => EdgeClasses.Key.Where(c => Count(c) == 0).ToList();

    /// <summary>The distribution table: every rule id and key class with its share of the cases.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"coverage over {Cases} cases");
        text.AppendLine("rule ids:");
        AppendRows(text, RuleIds.All);
        text.AppendLine("edge classes:");
        AppendRows(text, EdgeClasses.Key);
        return text.ToString();
    }

    private void AppendRows(StringBuilder text, IEnumerable<string> labels)
    {
        foreach (var label in labels)
        {
            var count = Count(label);
            var share = Cases == 0 ? 0 : 100.0 * count / Cases;
            var mark = count == 0 ? "  <-- never exercised" : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {label,-34} {count,9} {share,6:0.0}%{mark}");
        }
    }
}
