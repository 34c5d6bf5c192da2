using System.Globalization;
using System.Text;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>One checked line of a report: what was intended, what the known deviation gives, what the kernel gave.</summary>
public sealed record ReportLine(ProbeCheck Check, Outcome? Observed)
{
    public bool Intended => CheckExpectation.Meets(Check.Intended, Observed);

    public bool Deviated => !Intended && CheckExpectation.Meets(Check.Deviated, Observed);

    public string Verdict => Intended ? "ok" : Deviated ? $"FAIL (known deviation {Check.Deviation})" : "FAIL";
}

/// <summary>
/// What <c>pmuconf report</c> writes for one scenario on one kernel: the scenario, the kernel and
/// its command line, per line intended vs observed with rule ids and deviation, any host-log splat,
/// a summary for a mail, and the standalone reproducer (<see cref="ReproGenerator"/>).
/// </summary>
public sealed class FindingReport
{
    private FindingReport(string scenarioFile, string scenarioText, KernelTarget target, ComparisonResult comparison,
        IReadOnlyList<ReportLine> lines, IReadOnlyList<string> splat, string repro, string commandLine)
    {
        ScenarioFile = scenarioFile;
        ScenarioText = scenarioText;
        Target = target;
        Comparison = comparison;
        Lines = lines;
        Splat = splat;
        Repro = repro;
        CommandLine = commandLine;
    }

    public string ScenarioFile { get; }

    public string ScenarioText { get; }

    public KernelTarget Target { get; }

    public ComparisonResult Comparison { get; }

    public IReadOnlyList<ReportLine> Lines { get; }

    public IReadOnlyList<string> Splat { get; }

    public string Repro { get; }

    public string CommandLine { get; }

    /// <summary>Runs the scenario on the kernel and builds the report; null with a message when it cannot run.</summary>
    public static FindingReport? Create(string scenarioFile, string scenarioText, Scenario scenario, KernelTarget target, out string? error)
    {
        error = target.WhyNotRunnable(scenario);
        if (error is not null)
        {
            error = $"{target.Name} cannot run {scenarioFile}: {error}";
            return null;
        }
        var execution = target.Execute(scenario);
        if (execution.Error is { } failure)
        {
            error = failure.Message;
            return null;
        }
        var comparison = target.Compare(scenario, execution);
        var checks = ProbeChecks.For(scenario, target.ExpectedDeviations);
        Outcome? ObservedAt(int step) => step < execution.Outcomes.Count ? execution.Outcomes[step] : null;
        // A "=k" expectation (a stopped counter keeps what step k read) becomes that value here.
        var lines = checks.Select(c => new ReportLine(
            c with { Intended = CheckExpectation.Resolve(c.Intended, ObservedAt)!, Deviated = CheckExpectation.Resolve(c.Deviated, ObservedAt) },
            ObservedAt(c.StepIndex))).ToList();
        var preset = ProbeBatch.PresetOf(scenario.Setup.Host)!;
        var machine = QemuBoot.MachineFor(preset, target.Kernel.Profile);
        // Paths inside the repository are written relative to it: the folder is committed.
        var image = Path.GetRelativePath(RepositoryPaths.Root, target.Kernel.Path) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) ? relative : target.Kernel.Path;
        var commandLine = machine.Binary + " " + string.Join(' ', QemuBoot.Arguments(image, machine, "<initramfs: probe as /init, batch.txt>")
            .Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
        var shown = comparison.Shows.Union(scenario.Setup.Deviations);
        var subject = new ReproSubject(scenario, scenarioText,
            $"{target.Kernel.Name} (Linux {target.Kernel.Release}) under QEMU TCG, -cpu {machine.Cpu} (host preset {preset})", checks,
            new DeviationSet(checks.Select(c => c.Deviation).OfType<string>().SelectMany(d => d.Split(',')).Union(shown.Ids)));
        var repro = ReproGenerator.Generate(subject, RepositoryPaths.ProbeSources);
        return new FindingReport(scenarioFile, scenarioText, target, comparison, lines, target.SplatOf(execution), repro, commandLine);
    }

    /// <summary>The verdict in one phrase (docs/kernel-deviations.md).</summary>
    public string Verdict =>
        Comparison.Mismatches.Count > 0 ? "new disagreement"
        : !Comparison.Shows.IsEmpty ? "shows known deviation " + string.Join(", ", Comparison.Shows.Ids)
        : !Comparison.NoLongerShows.IsEmpty ? "no longer shows " + string.Join(", ", Comparison.NoLongerShows.Ids)
        : "agrees with the intended behaviour";

    /// <summary>Writes the folder: scenario.pmu, kernel.txt, lines.txt, splat.txt (if any), summary.txt, repro.c.</summary>
    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "scenario.pmu"), ScenarioText);
        File.WriteAllText(Path.Combine(directory, "kernel.txt"),
            $"kernel: {Target.Kernel.Name}\nrelease: {Target.Kernel.Release}\nprofile: {KernelProfiles.Name(Target.Kernel.Profile)}\n"
            + $"qemu: {CommandLine}\n");
        File.WriteAllText(Path.Combine(directory, "lines.txt"), LinesText());
        var splatFile = Path.Combine(directory, "splat.txt");
        if (Splat.Count > 0)
        {
            File.WriteAllText(splatFile, string.Join('\n', Splat) + "\n");
        }
        else if (File.Exists(splatFile))
        {
            File.Delete(splatFile);
        }
        File.WriteAllText(Path.Combine(directory, "summary.txt"), Summary());
        File.WriteAllText(Path.Combine(directory, "repro.c"), Repro);
    }

    /// <summary>Per checked line: intended (rules), the deviation's value, observed, verdict.</summary>
    public string LinesText()
    {
        var text = new StringBuilder("# line | step | intended (rules) | known deviation gives | observed | verdict\n");
        foreach (var line in Lines)
        {
            var c = line.Check;
            text.Append(CultureInfo.InvariantCulture,
                $"{c.Line} | {c.Text} | {CheckExpectation.Describe(c.Intended)} ({string.Join(' ', c.Rules)}) | "
                + $"{(c.Deviated is null ? "-" : $"{c.Deviation}: {CheckExpectation.Describe(c.Deviated)}")} | {line.Observed?.ToString() ?? "no result"} | {line.Verdict}\n");
        }
        foreach (var step in Comparison.Unchecked)
        {
            text.Append(CultureInfo.InvariantCulture, $"{step.Line} | not checkable: {step.Reason}\n");
        }
        return text.ToString();
    }

    /// <summary>A plain-text summary fit for a mail to a kernel list.</summary>
    public string Summary()
    {
        var deviations = Comparison.Shows.Union(Lines.Where(l => l.Deviated).Select(l => l.Check.Deviation!).Aggregate(DeviationSet.None, (s, d) => s.Union(new DeviationSet(d.Split(',')))));
        var text = new StringBuilder();
        var title = deviations.Ids.Select(DeviationLedger.Find).OfType<KnownDeviation>().FirstOrDefault();
        text.Append(CultureInfo.InvariantCulture, $"Subject: KVM: arm64: PMU: {title?.Summary.Split(':')[0].TrimEnd('.') ?? Path.GetFileNameWithoutExtension(ScenarioFile)}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Kernel: Linux {Target.Kernel.Release} ({Target.Kernel.Name}), arm64, KVM inside QEMU TCG with EL2.\n");
        text.Append(CultureInfo.InvariantCulture, $"Verdict: {Verdict}.\n\n");
        foreach (var d in deviations.Ids.Select(DeviationLedger.Find).OfType<KnownDeviation>())
        {
            text.Append(CultureInfo.InvariantCulture, $"{d.Id} (breaks {string.Join(' ', d.Rules)}): {d.Summary}\nWhere: {d.Code}\nUpstream: {d.Upstream}\n\n");
        }
        text.Append("What the kernel did, per checked step (intended vs observed):\n");
        foreach (var line in Lines.Where(l => !l.Intended))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  line {line.Check.Line}, {line.Check.Text}: expected {CheckExpectation.Describe(line.Check.Intended)}, got {line.Observed?.ToString() ?? "no result"}"
                + $"{(line.Deviated ? $" ({line.Check.Deviation})" : "")} [rules {string.Join(' ', line.Check.Rules)}]\n");
        }
        if (Lines.All(l => l.Intended))
        {
            text.Append("  every checked step has its intended value\n");
        }
        if (Splat.Count > 0)
        {
            text.Append("\nThe host kernel logged (H1):\n").Append(string.Concat(Splat.Select(l => "  " + l + "\n")));
        }
        text.Append("\nReproducer: repro.c (one file, needs only <linux/kvm.h> and libc):\n")
            .Append("  aarch64-linux-gnu-gcc -static -O2 -pthread -o repro repro.c && ./repro\n")
            .Append("It prints ok/FAIL per check with the expected and observed values; exit 0 = intended behaviour,\n")
            .Append("1 = the known deviation is reproduced, 2 = another difference or a host kernel splat,\n")
            .Append("3 = the deviation reproduced and a splat.\n")
            .Append("\nThe scenario (scenario.pmu):\n")
            .Append(string.Concat(ScenarioText.TrimEnd().Split('\n').Select(l => "  " + l + "\n")));
        return text.ToString();
    }
}
