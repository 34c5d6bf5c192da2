using System.Diagnostics;
using PmuConformance.Cli;
using PmuConformance.Fuzz.Pmu;
using PmuConformance.Properties.Cli;
using PmuConformance.Properties.Corpus;

namespace PmuConformance.Properties.Fuzz;

/// <summary>
/// Issue 13, items 1 and 6: one campaign folder serves one run (a second one is a clear error, not
/// a stack trace that its supervisor records as crashes), and a seed folder is complete or absent.
/// </summary>
public sealed class FuzzFieldTests
{
    [Fact]
    public void A_second_pmuconf_fuzz_on_the_same_folder_is_refused_with_exit_2()
    {
        using var dir = new TempDirectory();
        using var first = CampaignLock.TryTake(dir.Path, out _).ShouldNotBeNull();
        var second = CliResult.Run("fuzz", "--target-fn", "parser", "--seconds", "1", "--no-build", "--out", dir.Path);
        second.ExitCode.ShouldBe(2);
        second.Error.ShouldContain($"{dir.Path} is in use by another pmuconf fuzz run (one folder, one campaign)");
    }

    [Fact]
    public void A_campaign_folder_that_cannot_be_written_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "target")); // where pmuconf writes the target name
        var result = CliResult.Run("fuzz", "--target-fn", "parser", "--seconds", "1", "--no-build", "--out", dir.Path);
        result.ExitCode.ShouldBe(2, result.Error);
        result.Error.ShouldContain($"pmuconf fuzz: cannot write to the campaign folder {dir.Path}");
        result.Error.ShouldNotContain("internal error");
    }

    [Fact]
    public void A_finding_whose_report_cannot_be_written_is_printed_and_exits_1()
    {
        using var dir = new TempDirectory();
        dir.Write("findings", "a file where the campaign's findings folder should be");
        var result = CliResult.Run("fuzz", "--target-fn", "differential", "--against", "selftest:swinc-lost", "--stop-on-finding",
            "--seconds", "60", "--no-build", "--out", dir.Path);
        result.ExitCode.ShouldBe(1, result.Output + result.Error);
        result.Output.ShouldContain("the shrunk repro:");
        result.Output.ShouldContain("swinc ");
        result.Error.ShouldContain("error: cannot write the finding reports");
        result.Output.ShouldContain("new finding(s): raw inputs under");
        (result.Output + result.Error).ShouldNotContain("   at ");
    }

    [Fact]
    public void The_campaign_lock_is_free_again_once_released()
    {
        using var dir = new TempDirectory();
        CampaignLock.TryTake(dir.Path, out _).ShouldNotBeNull().Dispose();
        using var again = CampaignLock.TryTake(dir.Path, out var problem);
        again.ShouldNotBeNull(problem);
    }

    [Fact]
    public void The_engine_on_a_locked_output_folder_is_an_error_not_a_crash()
    {
        using var dir = new TempDirectory();
        var output = Directory.CreateDirectory(Path.Combine(dir.Path, "inproc")).FullName;
        using var held = new FileStream(Path.Combine(output, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var (code, text) = FuzzHarness.Run("fuzz", "parser", "--seed", "1", "--max-time", "5", "--out", output);
        code.ShouldBe(1, text); // HarnessExitCodes.Error: a set-up error, which the supervisor does not restart
        text.ShouldContain("is in use by another fuzzing process");
        text.ShouldNotContain("Unhandled exception");
        text.ShouldNotContain("crash");
        Directory.EnumerateFiles(Path.Combine(output, "crashes")).ShouldBeEmpty();
    }

    [Fact]
    public void A_full_disk_while_writing_seeds_leaves_no_seed_folder()
    {
        using var dir = new TempDirectory();
        var seeds = Path.Combine(dir.Path, "seeds");
        var written = 0;
        void FullAfter16(string path, byte[] bytes)
        {
            if (++written > 16)
            {
                throw new IOException("No space left on device");
            }
            File.WriteAllBytes(path, bytes);
        }

        Should.Throw<IOException>(() => SeedWriter.Write(PmuTargets.Differential, "emulator", seeds, null, writeFile: FullAfter16));

        Directory.Exists(seeds).ShouldBeFalse("a partial seed folder would be taken as complete by the next run");
        Directory.EnumerateFileSystemEntries(dir.Path).ShouldBeEmpty();
        SeedWriter.Write(PmuTargets.Differential, "emulator", seeds, null, generated: 20).ShouldBe(20);
        Directory.EnumerateFiles(seeds).Count().ShouldBe(20);
    }

    [Fact]
    public void Seeds_that_cannot_be_written_are_a_clear_error_without_a_stack_trace()
    {
        using var dir = new TempDirectory();
        var blocked = Path.Combine(dir.Write("a-file", "not a folder"), "seeds");
        var (code, text) = FuzzHarness.Run("seeds", "parser", "--out", blocked);
        code.ShouldBe(2, text);
        text.ShouldContain($"error: cannot write the seeds to {blocked}");
        text.ShouldNotContain("   at ");
    }
}
