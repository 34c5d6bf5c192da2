using PmuConformance.Properties.Cli;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties.Defects;

/// <summary><c>pmuconf check --defects</c>: the table, the exit codes, and <c>replay --target emulator:&lt;name&gt;</c>.</summary>
public sealed class DefectReportCommandTests
{
    [Fact]
    public void A_budget_too_small_for_some_defects_prints_every_row_and_exits_1()
    {
        // 30 cases (seed 1) catch the defects visible in almost every scenario, not the nested ones.
        var result = CliResult.Run("check", "--defects", "--cases", "30", "--seed", "1");

        result.ExitCode.ShouldBe(1);
        result.OutputLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["defect", "caught", "cases", "seconds", "steps"]);
        var rows = result.OutputLines.Skip(1).Take(DefectCatalog.All.Count).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        rows.Select(r => r[0]).ShouldBe(DefectCatalog.All.Select(d => d.Name));
        rows.ShouldContain(r => r[1] == "yes");
        rows.ShouldContain(r => r[1] == "NO");
        foreach (var row in rows.Where(r => r[1] == "yes"))
        {
            int.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, DefectDetectionTests.MaxReproSteps);
        }
        var caught = rows.Count(r => r[1] == "yes");
        result.Output.ShouldContain($"{caught} of {DefectCatalog.All.Count} defects caught, seed 0x1");
        result.Output.ShouldContain("pmuconf check --target emulator:<defect> --seed 0x1");
    }

    [Theory]
    [InlineData("--target", "model")]
    [InlineData("--coverage")]
    [InlineData("--seed", "1:1:1")]
    public void Options_that_do_not_fit_the_defect_report_are_usage_errors(params string[] extra)
    {
        var result = CliResult.Run(["check", "--defects", "--cases", "10", .. extra]);
        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("--defects");
    }

    [Fact]
    public void Replay_runs_a_repro_on_its_variant_and_fails()
    {
        var file = "corpora/defects/hyp-uses-el1-bit.pmu";
        var onVariant = CliResult.Run("replay", Path.Combine(Corpus.RepositoryFiles.RepositoryRoot, file), "--target", "emulator:hyp-uses-el1-bit");
        onVariant.ExitCode.ShouldBe(1);
        onVariant.Output.ShouldContain("expected 0x5, got 0x0");
        CliResult.Run("replay", Path.Combine(Corpus.RepositoryFiles.RepositoryRoot, file), "--target", "emulator").ExitCode.ShouldBe(0);
    }
}
