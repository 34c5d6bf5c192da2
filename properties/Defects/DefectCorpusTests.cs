using PmuConformance.Properties.Corpus;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties.Defects;

/// <summary>
/// corpora/defects/&lt;name&gt;.pmu: one promoted repro per known defect. Each passes on the model
/// and on the emulator, fails on the variant it is named after, has at most 12 steps, and cites
/// (on its <c># rules:</c> line) at least the rules the catalog says the defect violates.
/// </summary>
public sealed class DefectCorpusTests
{
    private const string Folder = "corpora/defects/";

    public static TheoryData<string> Files => [.. RepositoryFiles.CorpusFiles.Where(f => f.StartsWith(Folder, StringComparison.Ordinal))];

    [Fact]
    public void Every_defect_has_a_repro_and_every_repro_names_a_defect()
    {
        var names = RepositoryFiles.CorpusFiles
            .Where(f => f.StartsWith(Folder, StringComparison.Ordinal))
            .Select(f => Path.GetFileNameWithoutExtension(f))
            .ToList();
        names.Order().ShouldBe(DefectCatalog.All.Select(d => d.Name).Order());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_repro_passes_on_model_and_emulator_and_fails_on_its_variant(string file)
    {
        var defect = DefectCatalog.Find(Path.GetFileNameWithoutExtension(file)).ShouldNotBeNull($"{file} names no known defect");
        var scenario = ScenarioParser.ParseFile(RepositoryFiles.FullPath(file));

        Mismatches(new ModelTarget(), scenario).ShouldBeEmpty("on the model");
        Mismatches(new EmulatorTarget(), scenario).ShouldBeEmpty("on the emulator");
        Mismatches(defect.Create(), scenario).ShouldNotBeEmpty($"{defect.TargetName} meets every expectation");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_repro_is_short_and_says_which_defect_and_rules(string file)
    {
        var defect = DefectCatalog.Find(Path.GetFileNameWithoutExtension(file)).ShouldNotBeNull();
        ScenarioParser.ParseFile(RepositoryFiles.FullPath(file)).Steps.Count.ShouldBeLessThanOrEqualTo(DefectDetectionTests.MaxReproSteps);
        File.ReadLines(RepositoryFiles.FullPath(file)).First().ShouldStartWith($"# Defect {defect.Name} ");
        var cited = RepositoryFiles.RulesCitedBy(file);
        defect.Rules.Where(id => !cited.Contains(id)).ShouldBeEmpty($"{file} does not cite the rules {defect.Name} violates");
    }

    private static IReadOnlyList<Mismatch> Mismatches(ITarget target, Scenario scenario)
    {
        var execution = target.Execute(scenario);
        execution.Error.ShouldBeNull();
        return ExpectationCheck.Mismatches(scenario, execution);
    }
}
