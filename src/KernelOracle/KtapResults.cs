using System.Globalization;
using System.Text.RegularExpressions;

namespace PmuConformance.KernelOracle;

/// <summary>One KTAP test result line: <c>ok|not ok &lt;n&gt; &lt;description&gt; [# &lt;directive&gt; &lt;diagnostic&gt;]</c>.</summary>
public sealed record KtapTest(int Number, bool Ok, string Description, string? Directive, string Diagnostic)
{
    /// <summary>The verdict in one word: ok, skip, todo (a known deviation) or fail.</summary>
    public string Verdict => Directive switch
    {
        "SKIP" => "skip",
        "TODO" or "XFAIL" => "todo",
        _ => Ok ? "ok" : "fail",
    };
}

/// <summary>
/// A bundle's results file: KTAP version 1 (Documentation/dev-tools/ktap.rst) as <c>probe --ktap</c>
/// prints it: the version line, the plan, one test per scenario, and the probe's own lines as
/// diagnostic lines <c># @@PMU ...</c>, which carry the results the model judges.
/// </summary>
public sealed partial record KtapResults(int? Version, int? Plan, IReadOnlyList<KtapTest> Tests, IReadOnlyList<string> ProbeLines)
{
    private const string ProbePrefix = "# " + QemuBoot.LinePrefix;

    public static KtapResults Parse(IEnumerable<string> lines)
    {
        int? version = null, plan = null;
        var tests = new List<KtapTest>();
        var probe = new List<string>();
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith(ProbePrefix, StringComparison.Ordinal))
            {
                probe.Add(line[ProbePrefix.Length..]);
            }
            else if (VersionLine().Match(line) is { Success: true } v)
            {
                version ??= int.Parse(v.Groups[1].Value, CultureInfo.InvariantCulture);
            }
            else if (PlanLine().Match(line) is { Success: true } p)
            {
                plan ??= int.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture);
            }
            else if (ResultLine().Match(line) is { Success: true } r)
            {
                var directive = r.Groups["directive"].Success ? r.Groups["directive"].Value.ToUpperInvariant() : null;
                tests.Add(new KtapTest(int.Parse(r.Groups["n"].Value, CultureInfo.InvariantCulture), r.Groups["not"].Value.Length == 0,
                    r.Groups["description"].Value.Trim(), directive, r.Groups["diagnostic"].Value.Trim()));
            }
        }
        return new KtapResults(version, plan, tests, probe);
    }

    /// <summary>The lines of a console (kernel messages and all) that belong to the KTAP output.</summary>
    public static IEnumerable<string> FromConsole(IEnumerable<string> console) =>
        console.Where(l => VersionLine().IsMatch(l) || PlanLine().IsMatch(l) || ResultLine().IsMatch(l) || l.StartsWith("# ", StringComparison.Ordinal));

    [GeneratedRegex(@"^\s*KTAP version (\d+)\s*$")]
    private static partial Regex VersionLine();

    [GeneratedRegex(@"^\s*1\.\.(\d+)(\s+#.*)?$")]
    private static partial Regex PlanLine();

    [GeneratedRegex(@"^(?<not>not )?ok (?<n>\d+)(?<description>[^#]*)(#\s*(?<directive>SKIP|TODO|XFAIL|TIMEOUT|ERROR)?\s*(?<diagnostic>.*))?$", RegexOptions.IgnoreCase)]
    private static partial Regex ResultLine();
}
