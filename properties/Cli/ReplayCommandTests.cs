namespace PmuConformance.Properties.Cli;

/// <summary>pmuconf replay on small temporary files, run in-process.</summary>
public sealed class ReplayCommandTests : IDisposable
{
    private const string Passing = ReplayExamples.Passing;

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_passing_file_exits_0_with_a_summary()
    {
        var file = dir.Write("pass.pmu", Passing);
        var result = CliResult.Run("replay", file);
        result.ExitCode.ShouldBe(0);
        result.OutputLines.ShouldBe(["1 passed, 0 failed"]);
        result.Error.ShouldBeEmpty();
    }

    [Fact]
    public void A_mismatch_names_file_line_expected_and_actual_and_exits_1()
    {
        var file = dir.Write("mismatch.pmu", Passing.Replace("-> 0x40000101", "-> 0x40020101"));
        var result = CliResult.Run("replay", file);
        result.ExitCode.ShouldBe(1);
        result.OutputLines.ShouldBe([$"{file}:8: expected 0x40020101, got 0x40000101", "0 passed, 1 failed"]);
    }

    [Fact]
    public void A_scenario_error_names_file_and_line_and_the_other_files_still_run()
    {
        var bad = dir.Write("a-bad.pmu", "profile 7.2\nread pmccntr -> 0\n");
        var good = dir.Write("b-good.pmu", Passing);
        var mismatch = dir.Write("c-mismatch.pmu", Passing.Replace("-> 0x40000101", "-> 0x1"));
        var result = CliResult.Run("replay", dir.Path);
        result.ExitCode.ShouldBe(2);
        result.Output.ShouldContain($"{bad}:2: ");
        result.Output.ShouldContain($"{mismatch}:8: expected 0x1, got 0x40000101");
        result.Output.ShouldNotContain("   at "); // no stack trace
        result.OutputLines[^1].ShouldBe("1 passed, 1 failed, 1 with scenario errors");
        good.ShouldNotBeNull();
    }

    [Fact]
    public void A_parse_error_is_a_scenario_error_with_file_and_line()
    {
        var file = dir.Write("typo.pmu", "profile 7.2\n\nfilter alow 0x11 1\n");
        var result = CliResult.Run("replay", file);
        result.ExitCode.ShouldBe(2);
        result.OutputLines[0].ShouldStartWith($"{file}:3: expected allow, deny or action=<byte>, got 'alow'");
    }

    [Fact]
    public void A_missing_path_is_a_usage_error_naming_it()
    {
        var missing = Path.Combine(dir.Path, "nowhere.pmu");
        var result = CliResult.Run("replay", dir.Write("pass.pmu", Passing), missing);
        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain(missing);
        result.Output.ShouldBeEmpty();
    }

    [Fact]
    public void An_unknown_target_or_no_path_is_a_usage_error()
    {
        var file = dir.Write("pass.pmu", Passing);
        var unknown = CliResult.Run("replay", file, "--target", "qemu-on-mars");
        unknown.ExitCode.ShouldBe(2);
        unknown.Error.ShouldContain("unknown target 'qemu-on-mars' (known: model");
        CliResult.Run("replay").ExitCode.ShouldBe(2);
        var empty = Directory.CreateDirectory(Path.Combine(dir.Path, "empty")).FullName;
        CliResult.Run("replay", empty).Error.ShouldContain("no *.pmu files under");
    }

    [Fact]
    public void Directories_are_searched_recursively_for_pmu_files_in_sorted_order()
    {
        var b = dir.Write("b.pmu", Passing);
        var a = dir.Write("a/z.pmu", Passing);
        dir.Write("a/notes.txt", "not a scenario");
        var result = CliResult.Run("replay", dir.Path, "--verbose");
        result.ExitCode.ShouldBe(0);
        result.OutputLines.ShouldBe([$"{a}: passed (4 expectations)", $"{b}: passed (4 expectations)", "2 passed, 0 failed"]);
    }

    [Fact]
    public void Bless_rewrites_expectations_keeps_everything_else_and_then_replays_clean()
    {
        var original = """
            # A comment that must survive
            profile 7.2
            host qemu-max

            filter deny 0x11 1    -> EINVAL   # wrong on purpose
            init
            run                   -> ?
            read pmceid0          -> 0x1
            read pmceid1          -> 0x10000000
            """.Replace("\n", "\r\n");
        var file = dir.Write("bless.pmu", original);
        var blessed = CliResult.Run("replay", "--bless", file);
        blessed.ExitCode.ShouldBe(0);
        blessed.Output.ShouldContain($"{file}:5: expected EINVAL, got ok (blessed)");
        blessed.OutputLines[^1].ShouldBe("0 passed, 0 failed, 1 blessed");

        var text = File.ReadAllText(file);
        text.ShouldBe("""
            # A comment that must survive
            profile 7.2
            host qemu-max

            filter deny 0x11 1    -> ok       # wrong on purpose
            init
            run                   -> ok
            read pmceid0          -> 0x40000101
            read pmceid1          -> 0x10000018
            """.Replace("\n", "\r\n"));

        var replay = CliResult.Run("replay", file);
        replay.ExitCode.ShouldBe(0);
        replay.OutputLines[^1].ShouldBe("1 passed, 0 failed");
    }

    [Fact]
    public void Bless_all_adds_expectations_to_every_step_that_yields_something()
    {
        var file = dir.Write("all.pmu", "profile 7.2\nfilter deny 0x11 1 -> ok\ninit\nrun\nevents cpu_cycles 5 at el1\nread pmccntr\n");
        var result = CliResult.Run("replay", "--bless-all", file);
        result.ExitCode.ShouldBe(0);
        var lines = File.ReadAllText(file).Split('\n');
        lines[..5].ShouldBe(["profile 7.2", "filter deny 0x11 1 -> ok", "init               -> ok", "run                -> ok", "events cpu_cycles 5 at el1"]);
        lines[5].ShouldStartWith("read pmccntr       -> 0x"); // the value is the model's business (R6), the layout is ours
        CliResult.Run("replay", file).ExitCode.ShouldBe(0);
    }

    [Fact]
    public void Bless_leaves_files_with_a_scenario_error_untouched()
    {
        var text = "profile 7.2\ninit -> EBUSY\nread pmccntr -> 0\n";
        var file = dir.Write("broken.pmu", text);
        var result = CliResult.Run("replay", "--bless", file);
        result.ExitCode.ShouldBe(2);
        File.ReadAllText(file).ShouldBe(text);
    }
}
