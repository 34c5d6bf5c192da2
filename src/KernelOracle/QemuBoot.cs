using System.Diagnostics;
using System.Text;

namespace PmuConformance.KernelOracle;

/// <summary>A QEMU binary, its <c>-cpu</c> value and the kernel command line; whether nested VMs work there.</summary>
public sealed record QemuMachine(string Binary, string Cpu, string Append, bool Nested);

/// <summary>The probe's console lines of one boot, and how long the boot took.</summary>
/// <param name="StartUp">From starting QEMU to the probe's first scenario result (kernel boot, probe set-up).</param>
/// <param name="ScenarioTime">From the first scenario result to the end marker: the batch itself.</param>
public sealed record BootResult(IReadOnlyList<string> ProbeLines, bool Completed, string Problem, TimeSpan Elapsed, TimeSpan StartUp, TimeSpan ScenarioTime)
{
    /// <summary>Every console line (kernel messages included): what /init printed without the @@PMU prefix (KTAP, a reproducer's ok/FAIL lines).</summary>
    public IReadOnlyList<string> ConsoleLines { get; init; } = [];
}

/// <summary>
/// Boots a kernel under QEMU with an initramfs (kernel-oracle.md): TCG with EL2 so KVM works
/// inside, <c>-icount shift=0</c> for exact counts, bounded by a timeout; <c>cryptomgr.notests</c>
/// keeps the crypto self-tests from slowing the first scenarios down (they do not touch KVM). QEMU exits 0 even after a
/// panic, so a boot only counts as complete when the probe's end marker was seen.
/// </summary>
public static class QemuBoot
{
    public const string LinePrefix = "@@PMU ";

    private const string BaseAppend = "console=ttyAMA0 rdinit=/init panic=-1 quiet loglevel=1 cryptomgr.notests";

    /// <summary>QEMU 10 beside the system's QEMU 7.2 (scripts/setup-kernel-oracle.sh), or null when it is not cached.</summary>
    public static string? Qemu10
    {
        get
        {
            var path = Path.Combine(RepositoryPaths.Cache, "qemu-10", "usr", "bin", "qemu-system-aarch64");
            return File.Exists(path) ? path : null;
        }
    }

    /// <summary>
    /// How to boot a kernel on a preset. Profile 7.2 runs every batch on QEMU 10 with
    /// <c>kvm-arm.mode=nested</c> when QEMU 10 is cached (FEAT_NV2, so nested VMs are possible;
    /// non-nested batches gave the same results as on QEMU 7.2 apart from ID_AA64DFR0_EL1.DebugVer,
    /// which the model does not cover). <c>lpa2=off</c>: a nested VM's teardown takes ~4 s of guest
    /// time with 52-bit IPAs, ~0.3 s without.
    /// </summary>
    /// <remarks>
    /// The presets beyond qemu-max and qemu-a57 are QEMU 10 CPU models (some are missing from QEMU 7.2):
    /// they always boot on QEMU 10, or are not runnable (<see cref="Available"/>) without it.
    /// </remarks>
    public static QemuMachine MachineFor(string preset, Scenarios.KernelProfile profile)
    {
        var qemu10 = Qemu10;
        if (Scenarios.ProfileRules.Of(profile).HasNested && qemu10 is not null)
        {
            var cpu = preset == "qemu-max" ? "max,pauth=off,lpa2=off" : CpuOf(preset);
            return new QemuMachine(qemu10, cpu, BaseAppend + " kvm-arm.mode=nested", preset == "qemu-max");
        }
        if (NeedsQemu10(preset))
        {
            return new QemuMachine(qemu10 ?? "qemu-system-aarch64", CpuOf(preset), BaseAppend, false);
        }
        return new QemuMachine("qemu-system-aarch64", CpuOf(preset), BaseAppend, false);
    }

    /// <summary>Whether a preset's QEMU is there: the QEMU 10 CPU models need .cache/qemu-10.</summary>
    public static bool Available(string preset) => !NeedsQemu10(preset) || Qemu10 is not null;

    private static bool NeedsQemu10(string preset) => preset is not ("qemu-max" or "qemu-a57");

    /// <summary>The <c>-cpu</c> value of a preset (scenario-language.md; README "Host presets").</summary>
    public static string CpuOf(string preset) => preset switch
    {
        "qemu-max" => "max,pauth=off",
        "qemu-a57" => "cortex-a57",
        "qemu-n1" => "neoverse-n1",
        "qemu-v1" => "neoverse-v1",
        "qemu-a710" => "cortex-a710",
        "qemu-a64fx" => "a64fx",
        _ => throw new ArgumentException($"unknown QEMU preset {preset}", nameof(preset)),
    };

    public const string Executable = "qemu-system-aarch64";

    /// <summary>Why QEMU cannot be started from this PATH, or null when it is there.</summary>
    public static string? WhyMissing(string? pathVariable) =>
        (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, Executable)))
            ? null
            : $"{Executable} is not on the PATH: run scripts/setup-kernel-oracle.sh (Debian package qemu-system-arm)";

    /// <param name="initArguments">Arguments for /init (after <c>--</c> on the kernel command line); none for the probe's oracle runs.</param>
    public static BootResult Run(string image, QemuMachine machine, byte[] initramfs, TimeSpan timeout, IReadOnlyList<string>? initArguments = null)
    {
        var work = Directory.CreateTempSubdirectory("pmuconf-qemu-");
        try
        {
            var initrd = Path.Combine(work.FullName, "initrd.gz");
            File.WriteAllBytes(initrd, initramfs);
            var arguments = Arguments(image, machine, initrd, initArguments);
            var start = new ProcessStartInfo(machine.Binary, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            return Boot(start, timeout);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>QEMU's arguments for a boot (also what a report shows as the command line).</summary>
    public static List<string> Arguments(string image, QemuMachine machine, string initrd, IReadOnlyList<string>? initArguments = null)
    {
        var arguments = new List<string>();
        if (Path.GetDirectoryName(machine.Binary) is { Length: > 0 } bin && Path.Combine(bin, "..", "share", "qemu") is var data && Directory.Exists(data))
        {
            arguments.AddRange(["-L", data]);
        }
        arguments.AddRange(
        [
            "-M", "virt,virtualization=on,gic-version=3", "-cpu", machine.Cpu, "-smp", "1", "-m", "512",
            "-nographic", "-nic", "none", "-no-reboot", "-icount", "shift=0",
            "-kernel", image, "-initrd", initrd,
            "-append", initArguments is { Count: > 0 } ? machine.Append + " -- " + string.Join(' ', initArguments) : machine.Append,
        ]);
        return arguments;
    }

    private static BootResult Boot(ProcessStartInfo start, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var lines = new List<string>();
        var console = new List<string>();
        var tail = new Queue<string>();
        var firstResult = TimeSpan.Zero;
        var endMarker = TimeSpan.Zero;
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            var line = e.Data.TrimEnd('\r');
            lock (lines)
            {
                var at = line.IndexOf(LinePrefix, StringComparison.Ordinal);
                if (at >= 0)
                {
                    var probeLine = line[(at + LinePrefix.Length)..];
                    if (firstResult == TimeSpan.Zero && !probeLine.StartsWith("INFO ", StringComparison.Ordinal))
                    {
                        firstResult = clock.Elapsed;
                    }
                    if (probeLine.StartsWith("END ", StringComparison.Ordinal))
                    {
                        endMarker = clock.Elapsed;
                    }
                    lines.Add(probeLine);
                }
                console.Add(line);
                tail.Enqueue(line);
                if (tail.Count > 20)
                {
                    tail.Dequeue();
                }
            }
        };
        process.ErrorDataReceived += (_, e) => { };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new BootResult([], false, $"cannot start qemu-system-aarch64 ({e.Message}): run scripts/setup-kernel-oracle.sh", clock.Elapsed, TimeSpan.Zero, TimeSpan.Zero);
        }
        ChildProcesses.Add(process);
        bool exited;
        try
        {
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            exited = process.WaitForExit((int)timeout.TotalMilliseconds);
            if (!exited)
            {
                process.Kill(entireProcessTree: true);
            }
            process.WaitForExit();
        }
        finally
        {
            ChildProcesses.Remove(process);
        }
        lock (lines)
        {
            var completed = lines.Any(l => l.StartsWith("END ", StringComparison.Ordinal));
            var problem = completed ? ""
                : (exited ? $"QEMU exited ({process.ExitCode}) without the probe's end marker" : $"timeout after {timeout.TotalSeconds:0} s")
                  + "; last console lines:\n" + string.Join('\n', tail);
            return new BootResult(lines.ToList(), completed, problem, clock.Elapsed, firstResult, completed ? endMarker - firstResult : TimeSpan.Zero)
            {
                ConsoleLines = console.ToList(),
            };
        }
    }
}
