namespace PmuConformance.Properties.Cli;

public class HelpTests
{
    [Theory]
    [InlineData("replay")]
    [InlineData("explain")]
    public void Command_help_shows_examples_and_exit_codes(string command)
    {
        var result = CliResult.Run(command, "--help");
        result.ExitCode.ShouldBe(0);
        result.Output.ShouldContain("Examples:");
        result.Output.ShouldContain("Exit codes:");
        result.Output.ShouldContain($"pmuconf {command} ");
    }

    [Fact]
    public void Root_help_lists_the_commands()
    {
        var result = CliResult.Run("--help");
        result.ExitCode.ShouldBe(0);
        result.OutputLines.ShouldContain(l => l.Trim().StartsWith("replay <paths>", StringComparison.Ordinal));
        result.OutputLines.ShouldContain(l => l.Trim().StartsWith("explain", StringComparison.Ordinal));
        result.Output.ShouldContain("Examples:");
    }

    [Fact]
    public void Unknown_options_and_missing_commands_are_usage_errors_with_exit_2()
    {
        var unknown = CliResult.Run("--frobnicate");
        unknown.ExitCode.ShouldBe(2);
        unknown.Error.ShouldContain("--frobnicate");
        unknown.Error.ShouldContain("Try 'pmuconf --help'.");
        var missingValue = CliResult.Run("replay", "x.pmu", "--target");
        missingValue.ExitCode.ShouldBe(2);
        missingValue.Error.ShouldContain("Try 'pmuconf replay --help'.");
        var unknownOption = CliResult.Run("replay", "--frobnicate", "x.pmu");
        unknownOption.ExitCode.ShouldBe(2);
        unknownOption.Error.ShouldContain("unknown option '--frobnicate'");
        CliResult.Run().ExitCode.ShouldBe(2);
    }
}
