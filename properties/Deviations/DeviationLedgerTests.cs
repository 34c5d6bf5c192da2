using PmuConformance.Properties.Corpus;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Deviations;

/// <summary>
/// The ledger of known kernel deviations (behaviour.md section 13) is the single source the model,
/// the oracle and the docs read: every entry must be complete, cite rules the spec defines, name
/// kernels the oracle knows and point at a repro that switches the deviation on.
/// </summary>
public sealed class DeviationLedgerTests
{
    private static readonly string[] KnownKernels = ["debian-6.1", "debian-6.12", "debian-7.2"];

    [Fact]
    public void The_ledger_reads_and_numbers_its_entries_in_order()
    {
        var ids = DeviationLedger.All.Select(d => d.Id).ToList();
        ids.Count.ShouldBeGreaterThanOrEqualTo(4);
        ids.Order().ShouldBe(Enumerable.Range(1, ids.Count).Select(n => $"KD{n}").Order().ToList());
    }

    [Fact]
    public void Every_entry_cites_spec_rules_and_known_kernels()
    {
        var spec = RepositoryFiles.RuleIdsOfSpec();
        foreach (var deviation in DeviationLedger.All)
        {
            deviation.Rules.ShouldNotBeEmpty(deviation.Id);
            deviation.Rules.Where(r => !spec.Contains(r)).ShouldBeEmpty($"{deviation.Id} cites rules behaviour.md does not define");
            deviation.Kernels.Where(k => !KnownKernels.Contains(k)).ShouldBeEmpty($"{deviation.Id} names unknown kernels");
            deviation.Summary.Length.ShouldBeGreaterThan(20, deviation.Id);
        }
    }

    [Fact]
    public void Every_entry_has_a_repro_that_switches_it_on_and_replays_on_the_model()
    {
        foreach (var deviation in DeviationLedger.All)
        {
            var path = RepositoryFiles.FullPath(deviation.Repro);
            File.Exists(path).ShouldBeTrue($"{deviation.Id}: repro {deviation.Repro} is missing");
            var scenario = ScenarioParser.ParseFile(path);
            scenario.Setup.Deviations.Contains(deviation.Id).ShouldBeTrue($"{deviation.Repro} lacks 'deviations {deviation.Id}'");
            var execution = new PmuConformance.ReferenceModel.ModelTarget().Execute(scenario);
            ExpectationCheck.Mismatches(scenario, execution).ShouldBeEmpty();
        }
    }

    [Fact]
    public void Every_repro_depends_on_its_deviation()
    {
        // Without the deviation switched on, the model (the intended behaviour) must disagree with
        // the repro: otherwise the file shows nothing the intent would not. H1 deviations (a host
        // splat) are the exception: the model has no host log, the oracle judges them.
        foreach (var deviation in DeviationLedger.All.Where(d => d.Splat is null))
        {
            var scenario = ScenarioParser.ParseFile(RepositoryFiles.FullPath(deviation.Repro));
            var intent = scenario with { Setup = scenario.Setup with { Deviations = DeviationSet.None } };
            var execution = new PmuConformance.ReferenceModel.ModelTarget().Execute(intent);
            ExpectationCheck.Mismatches(scenario, execution).ShouldNotBeEmpty($"{deviation.Repro} passes without {deviation.Id}");
        }
    }

    [Fact]
    public void H1_deviations_name_their_splat_and_cite_H1()
    {
        foreach (var deviation in DeviationLedger.All.Where(d => d.Splat is not null))
        {
            deviation.Rules.ShouldContain("H1", deviation.Id);
        }
        DeviationLedger.All.Where(d => d.Rules.Contains("H1")).ShouldAllBe(d => d.Splat != null);
    }

    [Fact]
    public void Kernels_and_profiles_expect_the_ledgers_deviations()
    {
        DeviationLedger.ForKernel("debian-7.2").Ids.ShouldContain("KD1");
        DeviationLedger.ForKernel("debian-7.2").Ids.ShouldNotContain("KD8");
        DeviationLedger.ForKernel("debian-6.1").Ids.ShouldContain("KD8");
        DeviationLedger.ForProfile(KernelProfile.V6_12).Ids.ShouldContain("KD3");
    }

    [Fact]
    public void A_malformed_ledger_is_refused_with_the_problem_named()
    {
        Should.Throw<FormatException>(() => DeviationLedger.Parse("id: KD9\nrules: O1\n"))
            .Message.ShouldContain("lacks 'summary'");
        Should.Throw<FormatException>(() => DeviationLedger.Parse("id KD9\n"))
            .Message.ShouldContain("expected 'key: value'");
    }

    [Fact]
    public void Deviation_sets_compare_by_value_and_print_in_ledger_order()
    {
        var set = new DeviationSet(["KD10", "KD2", "KD1", "KD2"]);
        set.ToString().ShouldBe("KD1 KD2 KD10");
        set.ShouldBe(new DeviationSet(["KD1", "KD10", "KD2"]));
        (Setup.Default with { Deviations = set }).ShouldBe(Setup.Default with { Deviations = new DeviationSet(["KD2", "KD10", "KD1"]) });
    }

    [Fact]
    public void The_deviations_line_round_trips_through_the_printer()
    {
        var scenario = ScenarioParser.Parse("profile 7.2\ndeviations KD3 KD1\ninit -> ok\n", "<t>");
        scenario.Setup.Deviations.Ids.ShouldBe(["KD1", "KD3"]);
        var printed = ScenarioPrinter.Print(scenario);
        printed.ShouldContain("deviations KD1 KD3");
        ScenarioParser.Parse(printed, "<printed>").SameAs(scenario).ShouldBeTrue();
    }
}
