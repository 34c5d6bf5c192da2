using System.Globalization;
using System.Text;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>
/// A self-contained folder that runs the oracle's scenarios on any arm64 Linux with /dev/kvm, no
/// .NET (docs/real-hardware.md): the static probe, the batch with its CHECK lines (so the probe can
/// print KTAP verdicts itself), run.sh, the scenarios as .pmu files and a manifest of the host
/// preset the expectations assume. <c>pmuconf kernel --results FILE --bundle DIR</c> judges a run's
/// results with the model (<see cref="BundleResultsTransport"/>).
/// </summary>
public sealed record ProbeBundle(string Directory, string Kernel, KernelProfile Profile, string Preset, IReadOnlyList<Scenario> Scenarios)
{
    public const string HostScenarioId = "host";

    public string Manifest => Path.Combine(Directory, "bundle.txt");

    public string Batch => Path.Combine(Directory, "batch.txt");

    /// <summary>The batch exactly as the kernel target lowers the scenarios (the results transport checks it).</summary>
    public string OracleBatch => Path.Combine(Directory, "oracle-batch.txt");

    public string ScenarioDirectory => Path.Combine(Directory, "scenarios");

    /// <summary>
    /// The host check (scenario id "host", probe/check.c): the PMU values a default vCPU's guest
    /// reads on the preset. PMCR carries N (the counters), ID_AA64DFR0 the PMUVer, PMCEID0/1 the
    /// common events: if the machine differs, the model's expectations are not for it.
    /// </summary>
    public static Scenario HostCheck(KernelProfile profile, HostSpec host) =>
        ScenarioParser.Parse($"profile {KernelProfiles.Name(profile)}\nhost {host.PresetName}\nvm vcpus=1\ninit\nrun\nread pmcr\nread id_aa64dfr0\nread pmceid0\nread pmceid1\n", "<host check>");

    /// <summary>Writes the bundle; the scenarios must be runnable by <paramref name="target"/> and share one preset.</summary>
    public static ProbeBundle Write(string directory, KernelTarget target, string preset, IReadOnlyList<Scenario> scenarios, string probeBinary)
    {
        if (scenarios.Count > KernelTarget.MaxScenariosPerBoot)
        {
            throw new ArgumentException($"a bundle holds at most {KernelTarget.MaxScenariosPerBoot} scenarios (one batch), not {scenarios.Count}", nameof(scenarios));
        }
        System.IO.Directory.CreateDirectory(directory);
        var bundle = new ProbeBundle(directory, target.Kernel.Name, target.Kernel.Profile, preset, scenarios);
        var host = HostSpec.Presets.First(p => p.Name == preset).Host;
        var hostCheck = HostCheck(target.Kernel.Profile, host);
        var items = new List<(string, Scenario, IReadOnlyList<ProbeCheck>)> { (HostScenarioId, hostCheck, ProbeChecks.For(hostCheck, DeviationSet.None)) };
        items.AddRange(scenarios.Select((s, i) => ($"s{i}", s, ProbeChecks.For(s, target.ExpectedDeviations))));
        File.WriteAllText(bundle.Batch, ProbeBatch.WriteChecked(items));
        File.WriteAllText(bundle.OracleBatch, ProbeBatch.Write(scenarios));
        File.Copy(probeBinary, Path.Combine(directory, "probe"), overwrite: true);
        MakeExecutable(Path.Combine(directory, "probe"));
        if (System.IO.Directory.Exists(bundle.ScenarioDirectory))
        {
            System.IO.Directory.Delete(bundle.ScenarioDirectory, recursive: true);
        }
        System.IO.Directory.CreateDirectory(bundle.ScenarioDirectory);
        for (var i = 0; i < scenarios.Count; i++)
        {
            var comments = scenarios[i].Comments.Append($"bundle scenario s{i}, from {scenarios[i].Source}").ToList();
            File.WriteAllText(Path.Combine(bundle.ScenarioDirectory, $"s{i:D4}.pmu"), ScenarioPrinter.Print(scenarios[i] with { Comments = comments }));
        }
        File.WriteAllText(bundle.Manifest,
            "# PmuConformance bundle (pmuconf kernel --bundle): run ./run.sh on an arm64 Linux machine with /dev/kvm\n"
            + $"kernel: {target.Kernel.Name}\nprofile: {KernelProfiles.Name(target.Kernel.Profile)}\npreset: {preset}\n"
            + $"host: pmuver={Numbers.Hex(host.PmuVer)} counters={host.Counters} pmceid0={Numbers.Hex(host.Pmceid0)} pmceid1={Numbers.Hex(host.Pmceid1)}\n"
            + $"scenarios: {scenarios.Count}\nexpected-deviations: {string.Join(' ', target.ExpectedDeviations.Ids)}\n");
        var runScript = Path.Combine(directory, "run.sh");
        File.WriteAllText(runScript, RunScript);
        MakeExecutable(runScript);
        return bundle;
    }

    /// <summary>rwxr-xr-x, where the file system has Unix modes (the bundle is for Linux machines).</summary>
    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    /// <summary>Reads a bundle written by <see cref="Write"/>; null with a message when it is not one.</summary>
    public static ProbeBundle? Load(string directory, out string? error)
    {
        error = null;
        var manifest = Path.Combine(directory, "bundle.txt");
        if (!File.Exists(manifest))
        {
            error = $"{directory} is not a bundle (no bundle.txt)";
            return null;
        }
        var fields = File.ReadAllLines(manifest).Where(l => !l.StartsWith('#') && l.Contains(':', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
        if (!fields.TryGetValue("profile", out var profileName) || !KernelProfiles.TryParse(profileName, out var profile)
            || !fields.TryGetValue("preset", out var preset) || !fields.TryGetValue("kernel", out var kernel))
        {
            error = $"{manifest}: needs kernel, profile and preset lines";
            return null;
        }
        var files = System.IO.Directory.GetFiles(Path.Combine(directory, "scenarios"), "*.pmu").Order(StringComparer.Ordinal);
        var scenarios = files.Select(f => ScenarioParser.Parse(File.ReadAllText(f), f)).ToList();
        return new ProbeBundle(directory, kernel, profile, preset, scenarios);
    }

    /// <summary>
    /// The kernel the results came from, as a target that reads them instead of booting: the
    /// bundle's kernel name when the release is that kernel's (so the ledger's list for it
    /// applies), else the release itself (its profile's list applies).
    /// </summary>
    public KernelTarget ResultsTarget(KtapResults results, out string? error)
    {
        error = null;
        var release = results.ProbeLines.FirstOrDefault(l => l.StartsWith("INFO kernel ", StringComparison.Ordinal))?.Split(' ')[2] ?? "unknown";
        var known = KernelImage.Resolve(Kernel, out _);
        var profile = KernelImage.ProfileOf(release);
        if (profile is null || profile != Profile)
        {
            error = $"the results come from Linux {release} (profile {(profile is { } p ? KernelProfiles.Name(p) : "none")}); the bundle's scenarios are for profile {KernelProfiles.Name(Profile)}";
        }
        var name = known is not null && known.Release == release ? Kernel : release;
        var image = new KernelImage(name, "", release, Profile);
        return new KernelTarget(image, new BundleResultsTransport(File.ReadAllText(OracleBatch), results.ProbeLines));
    }

    /// <summary>The host check's verdict from the results: null when the machine is the preset, else why not.</summary>
    public string? HostDifference(KtapResults results)
    {
        var (probe, _) = ProbeOutput.Parse(results.ProbeLines);
        if (!probe.TryGetValue(HostScenarioId, out var host) || host.NotRun is not null)
        {
            return "the host check did not run" + (host?.NotRun is { } why ? ": " + why : "");
        }
        var check = HostCheck(Profile, HostSpec.Presets.First(p => p.Name == Preset).Host);
        var differences = ProbeChecks.For(check, DeviationSet.None)
            .Where(c => !CheckExpectation.Meets(c.Intended, host.Results.TryGetValue(c.StepIndex, out var o) ? o : null))
            .Select(c => $"{c.Text}: {Preset} gives {CheckExpectation.Describe(c.Intended)}, this machine {(host.Results.TryGetValue(c.StepIndex, out var o) ? o : "nothing")}")
            .ToList();
        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    /// <summary>
    /// The host set-up derived from the host check's reads: PMUVer from ID_AA64DFR0_EL1[11:8], the
    /// counters from PMCR_EL0.N, PMCEID0/1 as the guest reads them without the CHAIN bit (30) KVM
    /// adds to PMCEID0 (qemu-max: the host's 0x20101 reads 0x40020101). Null when a read is missing.
    /// </summary>
    public HostSpec? DerivedHost(KtapResults results)
    {
        var (probe, _) = ProbeOutput.Parse(results.ProbeLines);
        if (!probe.TryGetValue(HostScenarioId, out var host) || host.NotRun is not null)
        {
            return null;
        }
        ulong Read(int step) => host.Results.TryGetValue(step, out var o) && o.Kind == OutcomeKind.Value ? o.Value : ulong.MaxValue;
        var (pmcr, dfr0, pmceid0, pmceid1) = (Read(2), Read(3), Read(4), Read(5)); // the steps of HostCheck
        if (new[] { pmcr, dfr0, pmceid0, pmceid1 }.Contains(ulong.MaxValue))
        {
            return null;
        }
        return new HostSpec((byte)((dfr0 >> 8) & 0xF), (int)((pmcr >> 11) & 0x1F), pmceid0 & 0xFFFFFFFF & ~(1UL << 30), pmceid1 & 0xFFFFFFFF);
    }

    /// <summary>
    /// run.sh: checks the machine, then runs the probe in KTAP mode. Exit status: the probe's (0
    /// every test ok, skipped or a known deviation; 1 a failure), 4 when the machine cannot run it.
    /// </summary>
    public const string RunScript = """
        #!/bin/sh
        # Runs this bundle (pmuconf kernel --bundle) on this machine and prints KTAP version 1 on stdout:
        # one test per scenario (ok, not ok, "# SKIP <reason>", "# TODO known deviation KDn"), the probe's
        # own lines as "# @@PMU ..." diagnostics. Save the output and check it with
        #   pmuconf kernel --results results.ktap --bundle <this folder>
        # Needs: arm64 Linux, /dev/kvm writable (root or the kvm group). Nothing else (static probe).
        # Exit: 0 no failure, 1 a failure, 4 this machine cannot run the bundle (KTAP "1..0 # SKIP").
        here=$(cd "$(dirname "$0")" && pwd)
        skip_all() { printf 'KTAP version 1\n1..0 # SKIP %s\n' "$1"; exit 4; }
        [ "$(uname -m)" = aarch64 ] || skip_all "not an arm64 machine ($(uname -m))"
        [ -e /dev/kvm ] || skip_all "no /dev/kvm (KVM not built in, or not booted at EL2)"
        [ -r /dev/kvm ] && [ -w /dev/kvm ] || skip_all "/dev/kvm not accessible: run as root or join the kvm group"
        exec "$here/probe" --ktap "$here/batch.txt"

        """;

    /// <summary>A line for logs: what the bundle assumes.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"bundle {Directory}: {Scenarios.Count} scenarios for {Kernel} (profile {KernelProfiles.Name(Profile)}), host preset {Preset}");
}
