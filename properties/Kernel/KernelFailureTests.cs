using System.Diagnostics;
using PmuConformance.Cli;
using PmuConformance.KernelOracle;
using PmuConformance.Properties.Cli;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Kernel;

/// <summary>
/// Issue 13, items 8 and 9: a kernel that cannot boot is one clear error, not a scenario error per
/// scenario; a truncated Image is refused before QEMU starts; QEMU is stopped on an interrupt.
/// These use made-up Images and a stand-in for QEMU, so they need neither.
/// </summary>
public sealed class KernelFailureTests
{
    /// <summary>The first bytes of an EFI-stub arm64 Image whose sections end at <paramref name="end"/>.</summary>
    private static byte[] ImageHead(uint end)
    {
        var head = new byte[4096];
        head[0] = (byte)'M';
        head[1] = (byte)'Z';
        "ARM\x64"u8.CopyTo(head.AsSpan(0x38));
        BitConverter.GetBytes(0x40u).CopyTo(head, 0x3c);
        "PE\0\0"u8.CopyTo(head.AsSpan(0x40));
        BitConverter.GetBytes((ushort)2).CopyTo(head, 0x40 + 6);  // two sections
        BitConverter.GetBytes((ushort)0).CopyTo(head, 0x40 + 20); // no optional header
        var table = 0x40 + 24;
        BitConverter.GetBytes(0x1000u).CopyTo(head, table + 16);  // .text: 0x1000 bytes at 0x1000
        BitConverter.GetBytes(0x1000u).CopyTo(head, table + 20);
        BitConverter.GetBytes(end - 0x2000).CopyTo(head, table + 40 + 16); // .data up to end
        BitConverter.GetBytes(0x2000u).CopyTo(head, table + 40 + 20);
        return head;
    }

    [Fact]
    public void A_truncated_image_is_refused_before_booting()
    {
        KernelImageHeader.WhyNotBootable(ImageHead(0x10000), 0x10000).ShouldBeNull();
        KernelImageHeader.WhyNotBootable(ImageHead(0x10000), 0x8000).ShouldBe("truncated: its sections end at byte 65536, but the file has 32768 bytes");
        KernelImageHeader.WhyNotBootable(new byte[4096], 4096).ShouldNotBeNull().ShouldContain("not an arm64 kernel Image");
    }

    [Fact]
    public void A_truncated_image_file_is_a_clear_target_error()
    {
        using var dir = new TempDirectory();
        var image = Path.Combine(dir.Path, "Image");
        File.WriteAllBytes(image, [.. ImageHead(0x20000), .. "Linux version 7.2.0-test"u8.ToArray()]);
        var result = CliResult.Run("check", "--target", "kernel:" + image, "--cases", "1");
        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain($"{image}: truncated: its sections end at byte 131072");
    }

    [Fact]
    public void Missing_qemu_is_named_with_the_set_up_script()
    {
        QemuBoot.WhyMissing("/nonexistent:/also-not").ShouldNotBeNull().ShouldContain("qemu-system-aarch64 is not on the PATH: run scripts/setup-kernel-oracle.sh");
    }

    [Fact]
    public void A_kernel_that_does_not_boot_is_one_problem_and_no_boot()
    {
        var kernel = new KernelImage("broken", "/nonexistent/Image", "7.2.0", KernelProfile.V7_2);
        var target = new KernelTarget(kernel, new FailingTransport());
        var scenarios = Enumerable.Range(0, 48)
            .Select(i => ScenarioParser.Parse("profile 7.2\nhost qemu-max\ninit -> ok\nrun -> ok\nread pmcr\n", $"s{i}.pmu"))
            .ToList();

        var report = KernelCampaign.Replay(target, scenarios, "corpus");

        report.Problems.ShouldHaveSingleItem().ShouldStartWith("kernel broken");
        report.Boots.ShouldBeEmpty();
        KernelCampaign.Summary(report).ShouldBe("kernel:broken corpus: 48 scenarios, none run: the kernel could not be booted");
        KernelCommand.Print(report, TextWriter.Null).ShouldBe(ExitCodes.Error);
        var testCase = KernelCommand.JUnitCase(report);
        testCase.Outcome.ShouldBe(JUnitOutcome.Error);
        testCase.Message.ShouldNotBeNull().ShouldStartWith("kernel broken"); // the boot's problem, or the probe's when it is not built
    }

    [Fact]
    public void Stopping_all_children_ends_a_registered_process_at_once()
    {
        using var child = Process.Start("sleep", "60");
        ChildProcesses.Add(child);
        try
        {
            ChildProcesses.StopAll();
            child.WaitForExit(5000).ShouldBeTrue();
        }
        finally
        {
            ChildProcesses.Remove(child);
        }
    }

    /// <summary>A transport whose every boot fails, as QEMU does when the kernel cannot boot.</summary>
    private sealed class FailingTransport : IProbeTransport
    {
        public BootResult Run(string preset, string batch) =>
            new([], false, "QEMU exited (1) without the probe's end marker", TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.Zero);
    }
}
