using PmuConformance.Cli;
using PmuConformance.Properties.Corpus;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties.Defects;

/// <summary>The catalog of known defects (issue 5): complete, well named, and selectable on the command line.</summary>
public sealed class DefectCatalogTests
{
    /// <summary>The defects issue 5 lists, in its order.</summary>
    private static readonly string[] IssueFive =
    [
        "cycle-counter-as-swincr", "swincr-filtered", "pmceid-unfiltered", "event-width-16bit", "filter-after-run",
        "event-mask-missing-v3p5", "swincr-ignores-pmcr-e", "chain-swincr-no-propagate", "hyp-uses-el1-bit",
        "hyp-ignores-hpmd", "hyp-no-recompile", "filter-index-raw-evtyper", "exclude-sets-nsk",
        "hyp-clears-p-only-if-nsh", "swincr-chain-get-exclude-bits",
    ];

    [Fact]
    public void The_catalog_holds_exactly_the_issue_5_defects()
    {
        DefectCatalog.All.Select(d => d.Name).ShouldBe(IssueFive);
    }

    [Fact]
    public void Every_variant_has_a_description_and_cites_rules_of_the_spec()
    {
        var spec = RepositoryFiles.RuleIdsOfSpec();
        foreach (var defect in DefectCatalog.All)
        {
            defect.Description.ShouldNotBeNullOrWhiteSpace(defect.Name);
            defect.Rules.ShouldNotBeEmpty(defect.Name);
            defect.Rules.Where(id => !spec.Contains(id)).ShouldBeEmpty($"{defect.Name} cites ids behaviour.md does not define");
        }
    }

    public static TheoryData<string> Names => [.. DefectCatalog.All.Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_variant_resolves_as_an_emulator_target_of_its_name(string name)
    {
        var target = Targets.Resolve("emulator:" + name, out var error).ShouldNotBeNull(error);
        target.Name.ShouldBe("emulator:" + name);
        target.WhyNotRunnable(Scenarios.Setup.Default).ShouldBeNull();
        Targets.Names.ShouldContain("emulator:" + name);
    }

    [Fact]
    public void An_unknown_variant_is_refused_with_the_known_names()
    {
        Targets.Resolve("emulator:no-such-defect", out var error).ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain("emulator:hyp-uses-el1-bit");
        var replay = Cli.CliResult.Run("replay", RepositoryFiles.CorpusDirectory, "--target", "emulator:no-such-defect");
        replay.ExitCode.ShouldBe(2);
        replay.Error.ShouldContain("unknown target 'emulator:no-such-defect'");
    }
}
