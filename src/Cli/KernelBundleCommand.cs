using PmuConformance.KernelOracle;
using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary>
/// The bundle side of <c>pmuconf kernel</c> (issue 15, docs/real-hardware.md): write a bundle for a
/// machine without .NET (<c>--bundle DIR</c>), run one here inside a QEMU guest as such a machine
/// would (<c>--bundle DIR --boot KERNEL</c>), and judge a bundle's results file with the model
/// (<c>--results FILE --bundle DIR</c>): the same verdicts and deviation table as a QEMU run.
/// </summary>
public static class KernelBundleCommand
{
    public static int Write(string directory, string kernelName, string preset, int generated, ulong seed, string[] corpus, TextWriter output, TextWriter error)
    {
        if (KernelTarget.Resolve(KernelTarget.Prefix + kernelName, out var unknown) is not { } target)
        {
            error.WriteLine("pmuconf kernel: " + unknown);
            return ExitCodes.Error;
        }
        if (HostSpec.Presets.FirstOrDefault(p => p.Name == preset).Host is not { } host)
        {
            error.WriteLine($"pmuconf kernel: --preset {preset}: not a host preset ({string.Join(", ", HostSpec.Presets.Select(p => p.Name))})");
            return ExitCodes.Error;
        }
        if (ScenarioFiles.LoadAll(corpus, "kernel", error) is not { } all)
        {
            return ExitCodes.Error;
        }
        var scenarios = all.Where(scenario => scenario.Setup.Host == host && target.WhyNotRunnable(scenario) is null).ToList();
        var corpusCount = scenarios.Count;
        // A generated scenario can still be one the probe cannot run (its steps, not its set-up): left out.
        scenarios.AddRange(KernelCampaign.GenerateScenarios(target, generated, seed, [host]).Where(s => target.WhyNotRunnable(s) is null));
        if (scenarios.Count > KernelTarget.MaxScenariosPerBoot)
        {
            error.WriteLine($"pmuconf kernel: {scenarios.Count} scenarios ({corpusCount} from the corpus, {generated} generated): a bundle holds at most {KernelTarget.MaxScenariosPerBoot}; lower --generated or narrow --corpus");
            return ExitCodes.Error;
        }
        if (ProbeBinary.Ensure(out var probeError) is not { } probe)
        {
            error.WriteLine("pmuconf kernel: " + probeError);
            return ExitCodes.Error;
        }
        var bundle = ProbeBundle.Write(directory, target, preset, scenarios, probe);
        output.WriteLine($"{bundle} ({corpusCount} from the corpus, {scenarios.Count - corpusCount} generated, seed {Numbers.Hex(seed)})");
        output.WriteLine($"run it on an arm64 machine: {directory}/run.sh > results.ktap; then: pmuconf kernel --results results.ktap --bundle {directory}");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Runs the bundle as /init of a QEMU guest (its probe, its batch, --ktap) and writes the KTAP it
    /// printed. <paramref name="cpuPreset"/> boots another QEMU CPU than the bundle assumes: a
    /// machine whose PMU is not the preset's (the host check must catch it).
    /// </summary>
    public static int Boot(string directory, string kernelName, string? cpuPreset, string? resultsPath, TextWriter output, TextWriter error)
    {
        if (ProbeBundle.Load(directory, out var bundleError) is not { } bundle)
        {
            error.WriteLine("pmuconf kernel: " + bundleError);
            return ExitCodes.Error;
        }
        if (KernelImage.Resolve(kernelName, out var unknown) is not { } kernel)
        {
            error.WriteLine("pmuconf kernel: " + unknown);
            return ExitCodes.Error;
        }
        var initramfs = Initramfs.Build(
        [
            ("init", File.ReadAllBytes(Path.Combine(directory, "probe")), true),
            ("batch.txt", File.ReadAllBytes(bundle.Batch), false),
        ]);
        var boot = QemuBoot.Run(kernel.Path, QemuBoot.MachineFor(cpuPreset ?? bundle.Preset, kernel.Profile), initramfs,
            TimeSpan.FromSeconds(60 + (bundle.Scenarios.Count / 5.0)), ["--ktap", "/batch.txt"]);
        if (!boot.Completed)
        {
            error.WriteLine($"pmuconf kernel: the bundle did not finish on {kernel.Name}: {boot.Problem}");
            return ExitCodes.Error;
        }
        var ktap = KtapResults.FromConsole(boot.ConsoleLines).ToList();
        var path = resultsPath ?? Path.Combine(directory, $"results-{kernel.Name}.ktap");
        File.WriteAllLines(path, ktap);
        var results = KtapResults.Parse(ktap);
        output.WriteLine($"{bundle.Scenarios.Count + 1} tests on {kernel.Name} ({boot.Elapsed.TotalSeconds:0.0} s): "
            + string.Join(", ", results.Tests.GroupBy(t => t.Verdict).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"))
            + $"; KTAP written to {path}");
        return ExitCodes.Ok;
    }

    /// <summary>Judges a bundle's results with the model: the same report, verdicts and deviation table as a QEMU run.</summary>
    public static int Check(string directory, string resultsPath, TextWriter output, TextWriter error,
        Action<KernelTarget, KernelReport, TextWriter> printTable)
    {
        if (ProbeBundle.Load(directory, out var bundleError) is not { } bundle)
        {
            error.WriteLine("pmuconf kernel: " + bundleError);
            return ExitCodes.Error;
        }
        if (!File.Exists(resultsPath))
        {
            error.WriteLine($"pmuconf kernel: no such results file: {resultsPath}");
            return ExitCodes.Error;
        }
        var results = KtapResults.Parse(File.ReadAllLines(resultsPath));
        if (results.Version != 1 || results.ProbeLines.Count == 0)
        {
            error.WriteLine($"pmuconf kernel: {resultsPath} is not the KTAP a bundle's run.sh prints (no 'KTAP version 1' or no '# @@PMU' lines)");
            return ExitCodes.Error;
        }
        var target = bundle.ResultsTarget(results, out var kernelError);
        if (kernelError is not null)
        {
            error.WriteLine("pmuconf kernel: " + kernelError);
            return ExitCodes.Error;
        }
        output.WriteLine($"{bundle}; results from Linux {target.Kernel.Release} (judged as {target.Kernel.Name})");
        if (bundle.HostDifference(results) is { } difference)
        {
            // The model's expectations are for the preset's PMU; on another PMU they would be wrong.
            output.WriteLine($"cannot judge: this machine is not the host the bundle assumes ({bundle.Preset}): {difference}");
            output.WriteLine($"not judged ({bundle.Scenarios.Count}): {string.Join(' ', Enumerable.Range(0, bundle.Scenarios.Count).Select(i => $"s{i}"))}");
            if (bundle.DerivedHost(results) is { } derived)
            {
                var preset = derived.PresetName is { } name ? $" = preset {name}: make the bundle with --preset {name}" : ": no preset has this PMU (bundles for other hosts are not supported yet)";
                output.WriteLine($"this machine, derived from what its guest reads: host {ScenarioPrinter.HostText(derived)}{preset}");
            }
            output.WriteLine("see docs/real-hardware.md");
            return ExitCodes.Error;
        }
        var report = KernelCampaign.Replay(target, bundle.Scenarios, "bundle " + Path.GetFileName(Path.GetFullPath(directory).TrimEnd('/')));
        var exit = KernelCommand.Print(report, output);
        printTable(target, report, output);
        return exit;
    }
}
