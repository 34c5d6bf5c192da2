using System.Globalization;
using System.Text;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>What a standalone reproducer says about itself: the scenario, where it was seen, and its checks.</summary>
/// <param name="ScenarioText">The scenario in .pmu form (scenario-language.md), as the reader should see it.</param>
/// <param name="SeenOn">Where the behaviour was observed, e.g. "debian-7.2 (Linux 7.2.13+deb14-arm64) under QEMU 7.2 TCG, -cpu max".</param>
/// <param name="Deviations">The known deviations (behaviour.md section 13) the checks name.</param>
public sealed record ReproSubject(Scenario Scenario, string ScenarioText, string SeenOn, IReadOnlyList<ProbeCheck> Checks, DeviationSet Deviations);

/// <summary>
/// Writes a standalone C reproducer for one scenario: a single file that needs only
/// &lt;linux/kvm.h&gt;, libc and a C compiler. It is the kernel-oracle probe itself (probe/*.c and
/// guest.S, inlined in a fixed order, built with PROBE_REPRO) plus the scenario as an embedded batch
/// with CHECK lines: the same uAPI calls and the same guest instructions as the oracle, and no
/// second implementation of either. The header says, for people, what it checks and why.
/// </summary>
public static class ReproGenerator
{
    /// <summary>The probe's files in the order one translation unit needs them (probe.c last: it has main).</summary>
    public static readonly IReadOnlyList<string> SourceOrder =
        ["probe.h", "output.c", "check.c", "batch.c", "kvm.c", "guest.c", "hostlog.c", "probe.c"];

    public static string Generate(ReproSubject subject, string probeSources)
    {
        var text = new StringBuilder();
        WriteHeader(text, subject);
        text.Append("#define PROBE_REPRO 1\n");
        foreach (var file in SourceOrder)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n/* ======== {file} (src/KernelOracle/probe/{file}) ======== */\n");
            foreach (var line in File.ReadAllLines(Path.Combine(probeSources, file)))
            {
                if (line.Trim() != "#include \"probe.h\"")
                {
                    text.Append(line).Append('\n');
                }
            }
        }
        text.Append("\n/* ======== guest.S (src/KernelOracle/probe/guest.S): the code every vCPU runs ======== */\n__asm__(\n");
        foreach (var line in File.ReadAllLines(Path.Combine(probeSources, "guest.S")))
        {
            text.Append("\t\"").Append(CString(line)).Append("\\n\"\n");
        }
        text.Append(");\n");
        text.Append("\n/* ======== the scenario as a probe batch (format: probe.c), with its checks (check.c) ======== */\n");
        text.Append("const char repro_batch[] =\n");
        var batch = ProbeBatch.WriteChecked([("repro", subject.Scenario, subject.Checks)]);
        foreach (var line in batch.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            text.Append("\t\"").Append(CString(line)).Append("\\n\"\n");
        }
        text.Append("\t;\n");
        return text.ToString();
    }

    private static void WriteHeader(StringBuilder text, ReproSubject subject)
    {
        var deviations = subject.Deviations.Ids.Select(id => DeviationLedger.Find(id)).OfType<KnownDeviation>().ToList();
        var title = deviations.Count > 0
            ? string.Join("; ", deviations.Select(d => $"known deviation {d.Id}: {d.Summary}"))
            : "the intended behaviour of behaviour.md";
        var lines = new List<string>();
        lines.AddRange(Wrap("Standalone reproducer (PmuConformance, pmuconf report): Linux KVM arm64 PMU, " + title, ""));
        lines.AddRange(new List<string>
        {
            "",
            "Seen on:  " + subject.SeenOn,
            "Build:    aarch64-linux-gnu-gcc -static -O2 -pthread -o repro repro.c   (on arm64: gcc -O2 -pthread)",
            "          needs only <linux/kvm.h> and libc",
            "Run:      ./repro   on arm64 Linux with /dev/kvm (root, or the kvm group)",
            "Output:   one line per check: ok, or FAIL with the expected and the observed value.",
            "          FAIL means the kernel did not give the INTENDED value (behaviour.md, which follows",
            "          Documentation/virt/kvm/devices/vcpu.rst and the Arm ARM); \"(known deviation KDn)\"",
            "          marks a FAIL that is the known bug. A fixed kernel prints only ok lines.",
            "Exit:     0 every check has its intended value; 1 the known deviation is reproduced (every FAIL",
            "          is the deviation's value); 2 a difference no known deviation explains, or a host",
            "          kernel log splat (H1); 3 the deviation reproduced and a splat; 4 could not run here.",
        });
        foreach (var d in deviations)
        {
            lines.Add("");
            lines.Add($"{d.Id} breaks rules {string.Join(' ', d.Rules)}; kernels that show it: {string.Join(' ', d.Kernels)}");
            lines.AddRange(Wrap($"code: {d.Code}", "  "));
            lines.AddRange(Wrap($"upstream: {d.Upstream}", "  "));
        }
        lines.Add("");
        lines.Add("The scenario (scenario-language.md) as its corpus file has it (its -> values may be a kernel's):");
        lines.AddRange(subject.ScenarioText.TrimEnd().Split('\n').Select(l => "  " + l));
        lines.Add("");
        lines.Add("Checks: .pmu line, step: intended (rules) / what the known deviation gives instead");
        foreach (var c in subject.Checks)
        {
            var rules = c.Rules.Count > 0 ? $" ({string.Join(' ', c.Rules)})" : "";
            var deviated = c.Deviated is null ? "" : $" / {c.Deviation}: {c.Deviated}";
            lines.Add($"  line {c.Line}, {c.Text}: {c.Intended}{rules}{deviated}");
        }
        lines.Add("  (0x<v>/0x<mask>: those bits only; !0x<v>: a counter that counts the reproducer's own");
        lines.Add("  instructions, so any value but v)");
        lines.Add("");
        lines.Add("What follows is the kernel-oracle probe (src/KernelOracle/probe) in one file, built with");
        lines.Add("PROBE_REPRO: the same uAPI calls (kvm.c) and guest code (guest.S) the oracle ran, the scenario");
        lines.Add("as an embedded batch (batch.c reads it; format at the top of probe.c), check.c prints the checks.");
        text.Append("/*\n");
        foreach (var line in lines)
        {
            text.Append((" * " + line.Replace("*/", "* /", StringComparison.Ordinal)).TrimEnd()).Append('\n');
        }
        text.Append(" */\n");
    }

    private static IEnumerable<string> Wrap(string text, string indent)
    {
        var line = new StringBuilder(indent);
        foreach (var word in text.Split(' '))
        {
            if (line.Length + word.Length > 96 && line.Length > indent.Length)
            {
                yield return line.ToString().TrimEnd();
                line.Clear().Append(indent).Append("  ");
            }
            line.Append(word).Append(' ');
        }
        yield return line.ToString().TrimEnd();
    }

    private static string CString(string line) =>
        line.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
}
