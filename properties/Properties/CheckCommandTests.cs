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
}
