using PmuConformance.KernelOracle;
using PmuConformance.Properties.Corpus;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.KernelOracle;

/// <summary>
/// Issue 15: the CHECK expectations (the C# reading equals probe/check.c's), the KTAP results
/// parser, the bundle-results transport judged like a QEMU run, and the generated reproducers.
/// </summary>
public sealed class BundleAndReproTests
{
    private static readonly KernelImage Debian72 = new("debian-7.2", "", "7.2.13+deb14-arm64", KernelProfile.V7_2);

    private static Scenario Kd3 => ScenarioParser.ParseFile(RepositoryFiles.FullPath("corpora/kernel-deviations/KD3-lc-change-keeps-32-bit-overflow.pmu"));

    [Theory]
    [InlineData("ok", "ok", true)]
    [InlineData("EBUSY", "EBUSY", true)]
    [InlineData("EBUSY", "ok", false)]
    [InlineData("0x1800", "0x1800", true)]
    [InlineData("0x1800", "0x1801", false)]
    [InlineData("0x600/0xf00", "0x10305609", true)]
    [InlineData("0x600/0xf00", "0x10305509", false)]
    [InlineData("0x0/0x7fffffff", "0x80000000", true)]
    [InlineData("!0x10", "0x11", true)]
    [InlineData("!0x10", "0x10", false)]
    [InlineData("-", "0x0", false)]
    [InlineData("undef", "0x0", false)]
    public void Expectations_are_read_as_check_c_reads_them(string expectation, string observed, bool meets) =>
        CheckExpectation.Meets(expectation, ProbeOutput.ParseResult(observed)).ShouldBe(meets);

    [Theory]
    [InlineData("=3", "0x24")]
    [InlineData("=4", "-")]   // step 4 gave no value: never met
    [InlineData("!0x10", "!0x10")]
    public void A_pinned_expectation_resolves_to_the_value_its_step_read(string expectation, string resolved)
    {
        Outcome? ObservedAt(int step) => step == 3 ? Outcome.Of(0x24) : step == 4 ? Outcome.Error(Errno.EINVAL) : null;
        CheckExpectation.Resolve(expectation, ObservedAt).ShouldBe(resolved);
    }

    [Fact]
    public void A_stopped_counter_is_held_to_the_value_the_kernel_showed_for_it()
    {
        // KD15's HPMD-set face without the deviation: the first read pins counter 3, whose value the
        // probe's own instructions moved; the second read must show it again.
        var scenario = ScenarioParser.ParseFile(RepositoryFiles.FullPath("corpora/kernel-deviations/intent/mdcr-hpmd-set-stops-vel2-counting-intent.pmu"));
        var model = new ModelTarget().Execute(scenario).Outcomes.ToList();
        var firstRead = scenario.Steps.Count - 3;
        var secondRead = scenario.Steps.Count - 1;
        var kernel = model.ToList();
        kernel[firstRead] = Outcome.Of(0x24);
        kernel[secondRead] = Outcome.Of(0x24);
        KernelProjection.Compare(scenario, new Execution(kernel), "kernel").Mismatches.ShouldBeEmpty();
        kernel[secondRead] = Outcome.Of(0x815);
        KernelProjection.Compare(scenario, new Execution(kernel), "kernel").Mismatches.Single().Line.ShouldBe(scenario.Steps[secondRead].Line);
        KernelProjection.Expectations(scenario).Single(e => e.StepIndex == secondRead).Check.ShouldBe($"={firstRead}");
    }

    [Fact]
    public void A_deviation_repro_checks_the_intended_value_and_knows_the_deviated_one()
    {
        var checks = ProbeChecks.For(Kd3, DeviationLedger.ForKernel("debian-7.2"));
        var read = checks.Single(c => c.Text == "read pmovsset");
        read.Intended.ShouldBe("0x0");
        read.Deviated.ShouldBe("0x80000000");
        read.Deviation.ShouldBe("KD3");
        read.BatchLine.ShouldStartWith($"CHECK {read.StepIndex} 0x0 0x80000000 KD3 {read.Line} read pmovsset");
        checks.Where(c => c != read).ShouldAllBe(c => c.Deviated == null);
    }

    [Fact]
    public void Ktap_results_give_the_tests_and_the_probe_lines()
    {
        var results = KtapResults.Parse(
        [
            "KTAP version 1", "1..4", "# @@PMU INFO kernel 7.2.13+deb14-arm64 #1", "ok 1 host",
            "not ok 2 s0 # TODO known deviation KD3: line 21 read pmovsset: expected 0x0, got 0x80000000",
            "ok 3 s1 # SKIP no /dev/kvm", "not ok 4 s2 line 9 read pmcr: expected 0x3000, got 0x1800", "# @@PMU R s0 3 0x80000000",
            "[   12.345] some kernel message",
        ]);
        results.Version.ShouldBe(1);
        results.Plan.ShouldBe(4);
        results.Tests.Select(t => t.Verdict).ShouldBe(["ok", "todo", "skip", "fail"]);
        results.Tests[1].Description.ShouldBe("s0");
        results.Tests[2].Diagnostic.ShouldBe("no /dev/kvm");
        results.ProbeLines.ShouldBe(["INFO kernel 7.2.13+deb14-arm64 #1", "R s0 3 0x80000000"]);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 1)]
    public void Bundle_results_are_judged_as_a_qemu_run_would_be(bool kernelShowsKd3, int shown)
    {
        var scenario = WithDeviations(Kd3, DeviationSet.None);
        var model = new ModelTarget().Execute(kernelShowsKd3 ? Kd3 : scenario);
        var lines = new List<string> { "INFO kernel 7.2.13+deb14-arm64" };
        lines.AddRange(model.Outcomes.Select((o, i) => (o, i)).Where(p => p.o.Kind != OutcomeKind.Nothing).Select(p => $"R s0 {p.i} {Probe(p.o)}"));
        lines.AddRange(["DONE s0", "END 1"]);
        var target = new KernelTarget(Debian72, new BundleResultsTransport(ProbeBatch.Write([scenario]), lines));
        var report = KernelCampaign.Replay(target, [scenario], "bundle");
        report.Problems.ShouldBeEmpty();
        report.Mismatches.ShouldBeEmpty();
        report.Shown.GetValueOrDefault("KD3").ShouldBe(shown);
    }

    [Fact]
    public void Bundle_results_for_another_batch_are_refused()
    {
        var scenario = WithDeviations(Kd3, DeviationSet.None);
        var target = new KernelTarget(Debian72, new BundleResultsTransport("SCENARIO s0 vcpus=2\nEND\n", ["DONE s0", "END 1"]));
        var report = KernelCampaign.Replay(target, [scenario], "bundle");
        report.Problems.ShouldHaveSingleItem().ShouldContain("oracle-batch.txt");
    }

    [Fact]
    public void A_bundle_written_and_read_back_judges_its_results_like_a_direct_run()
    {
        var directory = Directory.CreateTempSubdirectory("pmuconf-bundle-test-");
        try
        {
            var fakeProbe = Path.Combine(directory.FullName, "fake-probe");
            File.WriteAllText(fakeProbe, "not a binary");
            var scenario = WithDeviations(Kd3, DeviationSet.None);
            var written = ProbeBundle.Write(Path.Combine(directory.FullName, "b"), new KernelTarget(Debian72), "qemu-max", [scenario], fakeProbe);
            File.ReadAllText(written.Batch).ShouldStartWith("SCENARIO host ");
            File.ReadAllText(Path.Combine(written.Directory, "run.sh")).ShouldContain("--ktap");
            var bundle = ProbeBundle.Load(written.Directory, out var error).ShouldNotBeNull(error);
            bundle.Scenarios.ShouldHaveSingleItem();

            // What the probe would print on a qemu-max host with the KD3 kernel: the host check, then s0.
            var hostCheck = new ModelTarget().Execute(ProbeBundle.HostCheck(KernelProfile.V7_2, HostSpec.QemuMax));
            var kernel = new ModelTarget().Execute(Kd3);
            var lines = new List<string> { "KTAP version 1", "1..2", "# @@PMU INFO kernel 7.2.13+deb14-arm64 #1" };
            lines.AddRange(Results("host", hostCheck).Select(l => "# @@PMU " + l));
            lines.AddRange(Results("s0", kernel).Select(l => "# @@PMU " + l));
            lines.Add("# @@PMU END 2");
            var results = KtapResults.Parse(lines);
            bundle.HostDifference(results).ShouldBeNull();
            bundle.DerivedHost(results).ShouldBe(HostSpec.QemuMax);
            var report = KernelCampaign.Replay(bundle.ResultsTarget(results, out var kernelError), bundle.Scenarios, "bundle");
            kernelError.ShouldBeNull();
            report.Problems.ShouldBeEmpty();
            report.Mismatches.ShouldBeEmpty();
            report.Shown.GetValueOrDefault("KD3").ShouldBe(1);

            // Another PMU (no PMCEID1 events): the host check names the difference.
            var other = KtapResults.Parse(lines.Select(l => l.Replace("R host 5 0x10000018", "R host 5 0x0", StringComparison.Ordinal)));
            bundle.HostDifference(other).ShouldNotBeNull().ShouldContain("read pmceid1");
            bundle.DerivedHost(other).ShouldBe(HostSpec.QemuMax with { Pmceid1 = 0 });
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The probe's R/DONE lines for a transcript.</summary>
    private static IEnumerable<string> Results(string id, Execution execution) =>
        execution.Outcomes.Select((o, i) => (o, i)).Where(p => p.o.Kind != OutcomeKind.Nothing)
            .Select(p => $"R {id} {p.i} {Probe(p.o)}").Append($"DONE {id}");

    [Fact]
    public void A_reproducer_is_the_probe_with_the_scenario_embedded()
    {
        var checks = ProbeChecks.For(Kd3, DeviationLedger.ForKernel("debian-7.2"));
        var text = ReproGenerator.Generate(new ReproSubject(Kd3, "profile 7.2\n", "test", checks, new DeviationSet(["KD3"])), RepositoryPaths.ProbeSources);
        text.ShouldStartWith("/*\n * Standalone reproducer");
        text.ShouldContain("KD3 breaks rules O4 O1");
        text.ShouldContain("#define PROBE_REPRO 1");
        text.ShouldNotContain("#include \"probe.h\"");
        text.ShouldContain("const char repro_batch[] =");
        text.ShouldContain("\"CHECK ");
        foreach (var file in ReproGenerator.SourceOrder.Append("guest.S"))
        {
            text.ShouldContain($"======== {file} ");
        }
    }

    [Fact]
    public void Every_deviation_report_has_a_reproducer_of_the_current_probe()
    {
        // A probe change must be followed by scripts/kernel-deviation-reports.sh: the committed
        // reproducers inline the probe, and CI runs them as they are.
        var folders = Directory.GetDirectories(RepositoryFiles.FullPath("corpora/kernel-deviations")).Where(d => File.Exists(Path.Combine(d, "repro.c"))).ToList();
        var repros = Directory.GetFiles(RepositoryFiles.FullPath("corpora/kernel-deviations"), "KD*.pmu");
        folders.Count.ShouldBe(repros.Length);
        foreach (var folder in folders)
        {
            var text = File.ReadAllText(Path.Combine(folder, "repro.c"));
            foreach (var file in ReproGenerator.SourceOrder)
            {
                var body = string.Join('\n', File.ReadAllLines(Path.Combine(RepositoryPaths.ProbeSources, file)).Where(l => l.Trim() != "#include \"probe.h\""));
                text.Contains(body, StringComparison.Ordinal).ShouldBeTrue($"{folder}/repro.c has an old {file}: run scripts/kernel-deviation-reports.sh");
            }
        }
    }

    private static string Probe(Outcome outcome) => outcome.Kind switch
    {
        OutcomeKind.Errno => outcome.AsErrno.ToString(),
        _ => outcome.ToString(),
    };

    private static Scenario WithDeviations(Scenario scenario, DeviationSet deviations) =>
        scenario with { Setup = scenario.Setup with { Deviations = deviations } };
}
