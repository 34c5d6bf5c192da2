using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Corpus;

/// <summary>Every corpus file meets every one of its expectations on every target that can run it.</summary>
public sealed class CorpusReplayTests
{
    /// <summary>One case per (target, file) that the target can run.</summary>
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var (name, create) in CorpusTargets.All)
        {
            var target = create();
            foreach (var file in RepositoryFiles.CorpusFiles)
            {
                var scenario = ScenarioParser.TryParse(File.ReadAllText(RepositoryFiles.FullPath(file)), file, out _);

                // A file that does not parse stays in the cases so that the test reports its error.
                if (scenario is null || target.WhyNotRunnable(scenario.Setup) is null)
                {
                    cases.Add(name, file);
                }
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_expectation_holds(string target, string file)
    {
        var scenario = ScenarioParser.Parse(File.ReadAllText(RepositoryFiles.FullPath(file)), file);
        var execution = CorpusTargets.Create(target).Execute(scenario);

        var problems = ExpectationCheck.Mismatches(scenario, execution).Select(m => m.ToString()).ToList();
        if (execution.Error is { } error)
        {
            problems.Add(error.Message);
        }
        Assert.True(problems.Count == 0, $"{target}:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_corpus_is_not_empty_and_every_file_checks_something()
    {
        RepositoryFiles.CorpusFiles.Count.ShouldBeGreaterThanOrEqualTo(60);
        var withoutExpectations = RepositoryFiles.CorpusFiles
            .Where(f => ScenarioParser.ParseFile(RepositoryFiles.FullPath(f)).Steps.All(s => s.Expected is null))
            .ToList();
        withoutExpectations.ShouldBeEmpty("corpus files without any '->' expectation");
    }
}
