using System.Text;

namespace PmuConformance.KernelOracle;

/// <summary>
/// How a probe batch reaches a kernel and how the probe's lines come back (issue 10: one probe
/// target, several transports). The batch, its lowering and the projection stay on the target's
/// side; a transport only delivers: QEMU boots the kernel with the probe as /init
/// (<see cref="QemuTransport"/>), a bundle's results file brings back what the probe printed on
/// real hardware (<see cref="BundleResultsTransport"/>).
/// </summary>
public interface IProbeTransport
{
    /// <summary>Runs <paramref name="batch"/> (probe batch text, format in probe/probe.c) on a host of the given preset.</summary>
    BootResult Run(string preset, string batch);
}

/// <summary>Boots the kernel under QEMU with the probe as /init and the batch beside it (the oracle's route since issue 1).</summary>
public sealed class QemuTransport(KernelImage kernel) : IProbeTransport
{
    public BootResult Run(string preset, string batch)
    {
        var probe = ProbeBinary.Ensure(out var error);
        if (probe is null)
        {
            return new BootResult([], false, error!, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        }
        var initramfs = Initramfs.Build(
        [
            ("init", File.ReadAllBytes(probe), true),
            ("batch.txt", Encoding.ASCII.GetBytes(batch), false),
        ]);
        var scenarios = batch.Split('\n').Count(l => l.StartsWith("SCENARIO ", StringComparison.Ordinal));
        var timeout = TimeSpan.FromSeconds(60 + (scenarios / 5.0));
        return QemuBoot.Run(kernel.Path, QemuBoot.MachineFor(preset, kernel.Profile), initramfs, timeout);
    }
}

/// <summary>
/// The probe's lines from a bundle's results file (KTAP with the probe's lines as diagnostics,
/// <see cref="BundleResults"/>): the batch ran elsewhere, so it must be the one the bundle carried.
/// </summary>
public sealed class BundleResultsTransport(string bundleBatch, IReadOnlyList<string> probeLines) : IProbeTransport
{
    public BootResult Run(string preset, string batch)
    {
        if (batch != bundleBatch)
        {
            return new BootResult([], false, "the scenarios do not lower to the batch the bundle carried (oracle-batch.txt): was the bundle edited?",
                TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        }
        var completed = probeLines.Any(l => l.StartsWith("END ", StringComparison.Ordinal));
        return new BootResult(probeLines, completed, completed ? "" : "the results file has no end marker (# @@PMU END): the run was cut short",
            TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
    }
}
