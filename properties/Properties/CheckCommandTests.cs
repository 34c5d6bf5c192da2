using PmuConformance.Cli;

namespace PmuConformance.Properties;

/// <summary><c>pmuconf check</c>: exit codes and output.</summary>
public sealed class CheckCommandTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = PmuConf.Run(["check", .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_conforming_target_exits_0_with_a_summary()
    {
        var (code, output, _) = Run("--target", "model", "--cases", "300", "--seed", "1");
        code.ShouldBe(0);
        output.ShouldContain("300 cases");
        output.ShouldContain("cases/s");
        output.ShouldContain("no failure");
    }

    [Fact]
    public void The_emulator_is_the_default_target()
    {
        var (code, output, _) = Run("--cases", "100", "--seed", "2");
        code.ShouldBe(0);
        output.ShouldStartWith("differential-emulator:");
    }

    [Theory]
    [InlineData("--cases", "10", "--seconds", "1")]
    [InlineData("--cases", "0")]
    [InlineData("--seed", "not-a-seed", "--cases", "1")]
    [InlineData("--target", "nope", "--cases", "1")]
    [InlineData("--bogus")]
    [InlineData("--shard", "2/2", "--cases", "1")]
    [InlineData("--shard", "1", "--cases", "1")]
    public void Usage_errors_exit_2(params string[] args)
    {
        var (code, _, error) = Run(args);
        code.ShouldBe(2);
        error.ShouldNotBeEmpty();
    }

    [Fact]
    public void Coverage_flag_prints_the_table()
    {
        var (code, output, _) = Run("--target", "model", "--cases", "200", "--seed", "3", "--coverage");
        code.ShouldBe(0);
        output.ShouldContain("rule ids:");
        output.ShouldContain("edge classes:");
    }

    [Fact]
    public void Shards_of_one_seed_check_different_cases_and_shard_0_of_1_is_the_whole_run()
    {
        // A defect found at a different case count means a different case sequence.
        int CasesToFailure(params string[] shard)
        {
            var (code, output, _) = Run(["--target", "emulator:swincr-filtered", "--seconds", "60", "--seed", "5", .. shard]);
            code.ShouldBe(1);
            return int.Parse(System.Text.RegularExpressions.Regex.Match(output, @"FAILED after (\d+) cases").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        var whole = CasesToFailure();
        CasesToFailure("--shard", "1/1").ShouldBe(whole);
        CasesToFailure("--shard", "1/2").ShouldBe(whole); // shard 1 starts with round 0, as the whole run does
        CasesToFailure("--shard", "2/2").ShouldNotBe(whole);
    }
}
