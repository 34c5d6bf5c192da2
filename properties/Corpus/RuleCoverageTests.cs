using PmuConformance.Checking.Coverage;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Corpus;

/// <summary>
/// The corpus covers behaviour.md: every rule id is cited by a corpus file and exercised by the
/// reference model while the corpus replays; no file cites an id the spec does not define.
/// </summary>
public sealed class RuleCoverageTests
{
    private static readonly IReadOnlySet<string> SpecRules = RepositoryFiles.RuleIdsOfSpec();

    [Fact]
    public void The_spec_defines_the_rule_ids_we_expect_to_find()
    {
        // Guards the id extraction itself: a broken pattern would make the other tests vacuous.
        SpecRules.Count.ShouldBeGreaterThanOrEqualTo(50);
        SpecRules.ShouldContain("F4a");
        SpecRules.ShouldContain("C7");
        SpecRules.ShouldContain("L3");
    }

    [Fact]
    public void Every_corpus_file_cites_rules_the_spec_defines()
    {
        var problems = new List<string>();
        foreach (var file in RepositoryFiles.CorpusFiles)
        {
            var cited = RepositoryFiles.RulesCitedBy(file);
            if (cited.Count == 0)
            {
                problems.Add($"{file}: no '# rules:' line");
            }
            problems.AddRange(cited.Where(id => !SpecRules.Contains(id)).Select(id => $"{file}: cites unknown rule '{id}'"));
        }
        problems.ShouldBeEmpty();
    }

    [Fact]
    public void Every_rule_is_cited_by_a_corpus_file()
    {
        var cited = RepositoryFiles.CorpusFiles.SelectMany(RepositoryFiles.RulesCitedBy).ToHashSet();
        SpecRules.Where(id => !cited.Contains(id) && !RuleIds.NotDecidedYet.Contains(id)).Order()
            .ShouldBeEmpty("rules no corpus file cites");
    }

    [Fact]
    public void Every_rule_is_exercised_by_the_model_replaying_the_corpus()
    {
        var exercised = new HashSet<string>();
        var target = new ModelTarget();
        foreach (var file in RepositoryFiles.CorpusFiles)
        {
            var (_, rules) = target.ExecuteTraced(ScenarioParser.ParseFile(RepositoryFiles.FullPath(file)));
            exercised.UnionWith(rules);
        }
        RuleIds.Required.Where(id => !exercised.Contains(id)).Order().ShouldBeEmpty("rules the model never cited while replaying the corpus");
        exercised.Where(id => !SpecRules.Contains(id)).Order().ShouldBeEmpty("ids the model cites that behaviour.md does not define");
        exercised.Where(RuleIds.NotDecidedYet.Contains).Order()
            .ShouldBeEmpty("ids the model now decides: take them off src/Checking/Coverage/rules-not-decided-yet.txt");
    }

    [Fact]
    public void The_coverage_ids_are_the_spec_ids()
    {
        // RuleIds reads the embedded copy of behaviour.md; it must be the spec the tests read.
        RuleIds.All.ToHashSet().SetEquals(SpecRules).ShouldBeTrue();
        RuleIds.NotDecidedYet.Where(id => !SpecRules.Contains(id)).ShouldBeEmpty("not-decided ids the spec does not define");
        RuleIds.OracleOnly.Where(id => !SpecRules.Contains(id)).ShouldBeEmpty();
    }

    [Fact]
    public void The_model_cites_the_rules_a_scenario_exercises()
    {
        // ExecuteTraced must reflect the scenario: a scenario without filters never cites B1.
        var (_, rules) = new ModelTarget().ExecuteTraced(ScenarioParser.Parse("init\nrun\nread pmcr", "<no filter>"));
        rules.ShouldContain("L1");
        rules.ShouldNotContain("B1");
    }
}
