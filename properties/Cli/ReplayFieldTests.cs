using System.Xml.Linq;
using PmuConformance.Cli;

namespace PmuConformance.Properties.Cli;

/// <summary>
/// Issue 13's replay defects: nothing passes that checked nothing (items 4), a file that cannot be
/// blessed does not stop the others (5), a symlink loop is entered once (7), and --junit.
/// </summary>
public sealed class ReplayFieldTests : IDisposable
{
    private const string Passing = ReplayExamples.Passing;

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void An_empty_file_is_an_error_not_a_pass()
    {
        var file = dir.Write("empty.pmu", "");
        var result = CliResult.Run("replay", file);
        result.ExitCode.ShouldBe(2);
        result.OutputLines.ShouldBe([$"{file}: nothing to check: the scenario has no steps", "0 passed, 0 failed, 1 with scenario errors"]);
    }

    [Fact]
    public void A_file_without_expectations_is_an_error_not_a_pass()
    {
        var file = dir.Write("unchecked.pmu", "profile 7.2\ninit\nrun\nread pmceid0\n");
        var result = CliResult.Run("replay", file);
        result.ExitCode.ShouldBe(2);
        result.Output.ShouldContain($"{file}: nothing to check: no '->' expectations");
    }

    [Fact]
    public void Unfilled_placeholders_are_errors_without_bless_and_filled_with_it()
    {
        var file = dir.Write("todo.pmu", "profile 7.2\ninit -> ?\nrun -> ?\nread pmceid0 -> ?  # to fill\n");
        var replay = CliResult.Run("replay", file);
        replay.ExitCode.ShouldBe(2);
        replay.OutputLines[..3].ShouldBe([
            $"{file}:2: unfilled placeholder '-> ?': run 'pmuconf replay --bless' to fill it",
            $"{file}:3: unfilled placeholder '-> ?': run 'pmuconf replay --bless' to fill it",
            $"{file}:4: unfilled placeholder '-> ?': run 'pmuconf replay --bless' to fill it"]);

        CliResult.Run("replay", "--bless", file).ExitCode.ShouldBe(0);
        CliResult.Run("replay", file).ExitCode.ShouldBe(0);
    }

    [Fact]
    public void A_run_in_which_every_file_was_skipped_exits_4()
    {
        var file = dir.Write("old.pmu", Passing.Replace("profile 7.2", "profile 6.12"));
        var result = CliResult.Run("replay", "--target", "emulator", file);
        result.ExitCode.ShouldBe(ExitCodes.NothingChecked);
        result.ExitCode.ShouldBe(4);
        result.OutputLines[^2].ShouldStartWith("nothing was checked: target emulator skipped every file");
        result.OutputLines[^1].ShouldBe("0 passed, 0 failed, 1 skipped");
    }

    [Fact]
    public void A_skipped_file_beside_a_checked_one_still_exits_0()
    {
        dir.Write("a-old.pmu", Passing.Replace("profile 7.2", "profile 6.12"));
        dir.Write("b-new.pmu", Passing);
        CliResult.Run("replay", "--target", "emulator", dir.Path).ExitCode.ShouldBe(0);
    }

    [Fact]
    public void Bless_reports_a_file_it_cannot_write_and_blesses_the_others()
    {
        var stuck = dir.Write("a-read-only.pmu", Passing.Replace("-> 0x40000101", "-> 0x1"));
        var later = dir.Write("b-writable.pmu", Passing.Replace("-> 0x40000101", "-> 0x2"));
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        void Write(string path, byte[] bytes)
        {
            if (path == stuck)
            {
                throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
            }
            File.WriteAllBytes(path, bytes);
        }

        var code = new ReplayRunner(output, error, Write).Run(new ReplayOptions([dir.Path], Bless: true));

        code.ShouldBe(2);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldBe([
            $"{stuck}:8: expected 0x1, got 0x40000101",
            $"{stuck}: not blessed: cannot write the file: Access to the path '{stuck}' is denied.",
            $"{later}:8: expected 0x2, got 0x40000101 (blessed)",
            $"{later}: blessed (1 line written)",
            "0 passed, 0 failed, 1 blessed, 1 not written"]);
        File.ReadAllText(stuck).ShouldContain("-> 0x1");
        File.ReadAllText(later).ShouldContain("-> 0x40000101");
        error.ToString().ShouldNotContain("internal error");
    }

    [Fact]
    public void A_symlinked_directory_loop_is_entered_once()
    {
        var file = dir.Write("corpus/a.pmu", Passing);
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "corpus", "loop"), Path.Combine(dir.Path, "corpus"));
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "corpus", "again"), Path.Combine(dir.Path, "corpus"));
        var result = CliResult.Run("replay", "--verbose", Path.Combine(dir.Path, "corpus"));
        result.ExitCode.ShouldBe(0);
        result.OutputLines.ShouldBe([$"{file}: passed (4 expectations)", "1 passed, 0 failed"]);
    }

    [Fact]
    public void Small_limits_are_printed_in_decimal()
    {
        var file = dir.Write("big.pmu", "profile 7.2\nvm vcpus=9\ninit -> ok\n");
        var result = CliResult.Run("replay", file);
        result.ExitCode.ShouldBe(2);
        result.OutputLines[0].ShouldBe($"{file}:2: vcpus: 9 is out of range (at most 4)");
    }

    [Fact]
    public void Junit_writes_one_test_case_per_scenario_file()
    {
        var pass = dir.Write("s/a-pass.pmu", Passing);
        var fail = dir.Write("s/b-fail.pmu", Passing.Replace("-> 0x40000101", "-> 0x1"));
        var skip = dir.Write("s/c-skip.pmu", Passing.Replace("profile 7.2", "profile 6.12"));
        var report = Path.Combine(dir.Path, "replay.xml");
        var result = CliResult.Run("replay", "--target", "emulator", "--junit", report, Path.Combine(dir.Path, "s"));
        result.ExitCode.ShouldBe(1);

        var suite = XDocument.Load(report).Root!.Element("testsuite")!;
        suite.Attribute("tests")!.Value.ShouldBe("3");
        suite.Attribute("failures")!.Value.ShouldBe("1");
        suite.Attribute("skipped")!.Value.ShouldBe("1");
        var cases = suite.Elements("testcase").ToDictionary(c => c.Attribute("name")!.Value);
        cases.Keys.ShouldBe([pass, fail, skip]);
        cases[pass].HasElements.ShouldBeFalse();
        cases[fail].Element("failure")!.Attribute("message")!.Value.ShouldBe($"{fail}:8: expected 0x1, got 0x40000101");
        cases[skip].Element("skipped").ShouldNotBeNull();
    }
}
