using System.Globalization;
using System.Xml.Linq;
using PmuConformance.Checking.Engine;

namespace PmuConformance.Cli;

/// <summary>How one JUnit test case ended.</summary>
public enum JUnitOutcome
{
    Passed,
    Failed,
    Error,
    Skipped,
}

/// <summary>One JUnit test case: a scenario file, a property run or a kernel source.</summary>
/// <param name="Message">The one-line reason of a failure, error or skip.</param>
/// <param name="Details">Everything printed about the case (the repro, the mismatches).</param>
public sealed record JUnitCase(string Name, string ClassName, JUnitOutcome Outcome, double Seconds = 0, string? Message = null, string? Details = null);

/// <summary>
/// The results of one command as JUnit XML (<c>--junit FILE</c>), the format CI dashboards read:
/// one <c>testsuite</c> with a <c>testcase</c> per scenario or property, each with a
/// <c>failure</c>, <c>error</c> or <c>skipped</c> child when it did not pass.
/// </summary>
public sealed class JUnitReport(string suiteName)
{
    private readonly List<JUnitCase> cases = [];

    public IReadOnlyList<JUnitCase> Cases => cases;

    public void Add(JUnitCase testCase) => cases.Add(testCase);

    public XDocument ToXml()
    {
        int Count(JUnitOutcome outcome) => cases.Count(c => c.Outcome == outcome);
        var seconds = Seconds(cases.Sum(c => c.Seconds));
        var suite = new XElement("testsuite",
            new XAttribute("name", suiteName),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", Count(JUnitOutcome.Failed)),
            new XAttribute("errors", Count(JUnitOutcome.Error)),
            new XAttribute("skipped", Count(JUnitOutcome.Skipped)),
            new XAttribute("time", seconds),
            new XAttribute("timestamp", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            cases.Select(Element));
        return new XDocument(new XElement("testsuites",
            new XAttribute("name", "pmuconf"),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", Count(JUnitOutcome.Failed)),
            new XAttribute("errors", Count(JUnitOutcome.Error)),
            new XAttribute("skipped", Count(JUnitOutcome.Skipped)),
            new XAttribute("time", seconds),
            suite));
    }

    /// <summary>Writes the XML atomically; null on success, else the reason it could not be written.</summary>
    public string? TryWrite(string path)
    {
        try
        {
            AtomicFile.WriteText(path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + ToXml() + "\n");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"cannot write the JUnit report {path}: {e.Message}";
        }
    }

    private static XElement Element(JUnitCase c)
    {
        var element = new XElement("testcase",
            new XAttribute("name", c.Name),
            new XAttribute("classname", c.ClassName),
            new XAttribute("time", Seconds(c.Seconds)));
        var child = c.Outcome switch
        {
            JUnitOutcome.Failed => new XElement("failure", new XAttribute("message", c.Message ?? "failed"), new XAttribute("type", "mismatch")),
            JUnitOutcome.Error => new XElement("error", new XAttribute("message", c.Message ?? "error"), new XAttribute("type", "error")),
            JUnitOutcome.Skipped => new XElement("skipped", new XAttribute("message", c.Message ?? "skipped")),
            _ => null,
        };
        if (child is not null)
        {
            if (c.Details is { Length: > 0 } details && c.Outcome != JUnitOutcome.Skipped)
            {
                child.Add(new XText(details));
            }
            element.Add(child);
        }
        else if (c.Details is { Length: > 0 } output)
        {
            element.Add(new XElement("system-out", output));
        }
        return element;
    }

    private static string Seconds(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
}
