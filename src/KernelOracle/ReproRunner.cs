using System.Diagnostics;

namespace PmuConformance.KernelOracle;

/// <summary>What a reproducer printed and its exit status (0 intended, 1 known deviation, 2 other, 4 not run; -1 it did not finish).</summary>
public sealed record ReproRun(int ExitStatus, IReadOnlyList<string> Output, string Problem, TimeSpan Elapsed);

/// <summary>
/// Compiles a generated reproducer with the cross compiler the way a kernel developer would
/// (<c>aarch64-linux-gnu-gcc -static</c>) and runs it as /init of a QEMU guest on a kernel: the
/// probe's initramfs route with the reproducer in the probe's place.
/// </summary>
public static class ReproRunner
{
    public const string Compiler = "aarch64-linux-gnu-gcc";

    /// <summary>Compiles <paramref name="source"/> to <paramref name="output"/>; null, or the compiler's messages.</summary>
    public static string? Compile(string source, string output)
    {
        var start = new ProcessStartInfo(Compiler, ["-static", "-O2", "-pthread", "-Wall", "-o", output, source])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        try
        {
            using var process = Process.Start(start)!;
            var messages = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{Compiler} failed on {source}:\n{messages.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Compiler} not found ({e.Message}): run scripts/setup-kernel-oracle.sh";
        }
    }

    /// <summary>Boots <paramref name="kernel"/> on the preset with the binary as /init; its output lines and exit status.</summary>
    public static ReproRun Run(string binary, KernelImage kernel, string preset)
    {
        var initramfs = Initramfs.Build([("init", File.ReadAllBytes(binary), true)]);
        var boot = QemuBoot.Run(kernel.Path, QemuBoot.MachineFor(preset, kernel.Profile), initramfs, TimeSpan.FromSeconds(120));
        var end = boot.ProbeLines.LastOrDefault(l => l.StartsWith("END ", StringComparison.Ordinal));
        var status = end is not null && int.TryParse(end.AsSpan(4), out var s) ? s : -1;
        var output = boot.ConsoleLines
            .Where(l => l.StartsWith("ok ", StringComparison.Ordinal) || l.StartsWith("FAIL ", StringComparison.Ordinal)
                || l.StartsWith("SKIP", StringComparison.Ordinal) || l.StartsWith("result: ", StringComparison.Ordinal)
                || l.StartsWith("# ", StringComparison.Ordinal))
            .ToList();
        return new ReproRun(status, output, boot.Completed ? "" : boot.Problem, boot.Elapsed);
    }
}
