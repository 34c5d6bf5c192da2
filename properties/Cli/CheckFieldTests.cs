using System.Diagnostics;
using System.Xml.Linq;
using PmuConformance.Cli;

namespace PmuConformance.Properties.Cli;

/// <summary>
/// Issue 13's check defects: a counterexample survives a findings folder that cannot be written
/// (item 2), the printed replay command reproduces with its target (3), an interrupted run prints
/// its seed (8), usage messages speak plainly (10), and --junit.
/// </summary>
public sealed class CheckFieldTests
{
    [Fact]
    public void The_printed_replay_command_names_the_target_and_reproduces_the_failure()
    {
        var found = CliResult.Run("check", "--target", "emulator:hyp-ignores-hpmd", "--seed", "1", "--cases", "20000");
        found.ExitCode.ShouldBe(1);
        var replayLine = found.OutputLines.Single(l => l.StartsWith("replay: ", StringComparison.Ordinal));
        replayLine.ShouldStartWith("replay: pmuconf check --target emulator:hyp-ignores-hpmd --seed ");
        found.Output.ShouldContain("# Replay: " + replayLine["replay: ".Length..]);

        var token = replayLine.Split(' ')[^1];
        var replayed = CliResult.Run(replayLine["replay: pmuconf ".Length..].Split(' '));
        replayed.ExitCode.ShouldBe(1);
        // The summary names the token it replayed, not a fresh random master seed.
        replayed.OutputLines[0].ShouldContain($"replay seed {token}: FAILED");
    }

    [Fact]
    public void A_counterexample_is_printed_in_full_and_exits_1_when_its_file_cannot_be_written()
    {
        using var dir = new TempDirectory();
        var blocked = Path.Combine(dir.Write("not-a-folder", "a file where the findings folder should be"), "findings");
        var (code, output) = Pmuconf(new() { ["PMUCONF_FINDINGS"] = blocked }, "check", "--target", "emulator:swincr-filtered", "--seed", "1");
        code.ShouldBe(1, output);
        output.ShouldContain("---- minimal scenario ----");
        output.ShouldContain("replay: pmuconf check --target emulator:swincr-filtered --seed ");
        output.ShouldContain($"NOT written: cannot write the repro to {blocked}");
        output.ShouldNotContain("internal error");
        output.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task An_interrupted_run_prints_its_seed_and_how_to_repeat_it()
    {
        // A process started in the background by a script inherits SIGINT ignored (and so would pmuconf):
        // then only SIGTERM can be tested.
        var signals = SigintIgnored() ? new[] { "TERM" } : new[] { "INT", "TERM" };
        foreach (var signal in signals)
        {
            var start = PmuconfStart("check", "--target", "model", "--seconds", "120", "--seed", "0x2a");
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            // The first line says the handlers are in place (it is printed after they are registered).
            var first = await process.StandardError.ReadLineAsync();
            first.ShouldBe("pmuconf check: target model, seed 0x2a");
            var errors = process.StandardError.ReadToEndAsync();
            await Task.Delay(1000);
            using (var kill = Process.Start("kill", $"-{signal} {process.Id}"))
            {
                await kill.WaitForExitAsync();
            }
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            var all = await output + await errors;
            process.ExitCode.ShouldBe(ExitCodes.Interrupted, all);
            all.ShouldContain($"interrupted by SIG{signal}: seed 0x2a; repeat with pmuconf check --target model --seed 0x2a --seconds 120");
            all.ShouldContain("interrupted, no failure so far");
        }
    }

    [Theory]
    [InlineData("--seconds", "abc", "'--seconds' as a number (such as 10 or 2.5)")]
    [InlineData("--cases", "many", "'--cases' as a whole number")]
    public void Bad_numbers_are_explained_without_dotnet_type_names(string option, string value, string expected)
    {
        var result = CliResult.Run("check", option, value);
        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain(expected);
        result.Error.ShouldNotContain("System.");
    }

    [Fact]
    public void Junit_writes_one_test_case_for_the_property()
    {
        using var dir = new TempDirectory();
        var report = Path.Combine(dir.Path, "check.xml");
        var result = CliResult.Run("check", "--target", "emulator:swincr-filtered", "--seed", "1", "--junit", report);
        result.ExitCode.ShouldBe(1);
        var testCase = XDocument.Load(report).Descendants("testcase").ShouldHaveSingleItem();
        testCase.Attribute("name")!.Value.ShouldBe("differential emulator:swincr-filtered");
        testCase.Element("failure")!.Attribute("message")!.Value.ShouldContain("replay: pmuconf check --target emulator:swincr-filtered --seed ");
    }

    /// <summary>Whether this process ignores SIGINT (bit 1 of SigIgn in /proc/self/status), which children inherit.</summary>
    private static bool SigintIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    private static ProcessStartInfo PmuconfStart(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pmuconf.dll"));
        args.ToList().ForEach(start.ArgumentList.Add);
        return start;
    }

    /// <summary>pmuconf as its own process, for what must not leak into parallel tests (environment, signals).</summary>
    private static (int Code, string Output) Pmuconf(Dictionary<string, string> environment, params string[] args)
    {
        var start = PmuconfStart(args);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + errors.Result);
    }
}
