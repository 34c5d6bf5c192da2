using System.Globalization;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>What the probe printed for one scenario: a result per step it ran, or why it could not run it.</summary>
public sealed class ProbeScenarioResult
{
    public Dictionary<int, Outcome> Results { get; } = [];

    public string? NotRun { get; set; }

    public bool Done { get; set; }

    /// <summary>Host kernel log lines of a splat the probe found while this scenario ran (H1), in order.</summary>
    public List<string> Splat { get; } = [];
}

/// <summary>Parses the probe's <c>@@PMU</c> lines (format at the top of probe/probe.c).</summary>
public static class ProbeOutput
{
    public static (Dictionary<string, ProbeScenarioResult> Scenarios, List<string> Info) Parse(IEnumerable<string> lines)
    {
        var scenarios = new Dictionary<string, ProbeScenarioResult>();
        var info = new List<string>();
        ProbeScenarioResult For(string id) => scenarios.TryGetValue(id, out var r) ? r : scenarios[id] = new ProbeScenarioResult();
        foreach (var line in lines)
        {
            var words = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
            switch (words)
            {
                case ["INFO", ..]:
                    info.Add(line["INFO ".Length..]);
                    break;
                case ["R", var id, var step, var result] when int.TryParse(step, CultureInfo.InvariantCulture, out var index):
                    For(id).Results[index] = ParseResult(result.Trim());
                    break;
                case ["NOTRUN", var id, ..]:
                    var result2 = For(id);
                    result2.NotRun = words.Length > 2 ? string.Join(' ', words[2..]) : "no reason given";
                    result2.Results.Clear();
                    break;
                case ["DONE", var id]:
                    For(id).Done = true;
                    break;
                case ["SPLAT", var id, ..]:
                    For(id).Splat.Add(line.Split(' ', 3) is [_, _, var text] ? text : "");
                    break;
            }
        }
        return (scenarios, info);
    }

    public static Outcome ParseResult(string text)
    {
        if (text == "ok")
        {
            return Outcome.Ok;
        }
        // "trap": a vEL1 access that KVM forwarded to the guest hypervisor (vEL2) as a trap; the
        // probe's guest hypervisor reflects it to vEL1 as UNDEFINED, so vEL1 observes undef (N3, R5).
        // On 7.2 this is how accesses to hyp counters [HPMN, N) from outside vEL2 behave
        // (corpora/kernel-facts/7.2/hyp-counter-access-traps-to-vel2.pmu).
        if (text is "undef" or "trap")
        {
            return Outcome.Undef;
        }
        if (Numbers.TryParse(text, out var value))
        {
            return Outcome.Of(value);
        }
        if (text.StartsWith('E') && Enum.TryParse<Errno>(text, out var errno))
        {
            return Outcome.Error(errno);
        }
        if (text.StartsWith('E') && int.TryParse(text.AsSpan(1), CultureInfo.InvariantCulture, out var number))
        {
            return Outcome.Error((Errno)number);
        }
        throw new FormatException($"unreadable probe result '{text}'");
    }
}
