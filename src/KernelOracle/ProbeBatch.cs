using System.Globalization;
using System.Text;
using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>
/// Lowers scenarios into the probe's batch format (documented at the top of probe/probe.c), and
/// decides which scenarios a real kernel under QEMU can run at all.
/// </summary>
public static class ProbeBatch
{
    /// <summary>A LOOP of this many iterations takes about a millisecond under QEMU; more would slow the batch down.</summary>
    public const ulong MaxLoopIterations = 1_000_000;

    /// <summary>The events QEMU's PMU implements and the probe's guest loop produces at EL1.</summary>
    public static readonly IReadOnlyList<ushort> LoopEvents = [Events.InstRetired, Events.CpuCycles];

    /// <summary>The QEMU CPU preset whose values the host spec equals, or null.</summary>
    public static string? PresetOf(HostSpec host) => host.PresetName;

    /// <summary>Null when a real kernel under QEMU can run this scenario, else the reason it cannot.</summary>
    public static string? WhyNotRunnable(Scenario scenario, KernelProfile kernelProfile) =>
        WhyNotRunnable(scenario, kernelProfile, preset => QemuBoot.MachineFor(preset, kernelProfile).Nested);

    /// <summary>As above, with <paramref name="nestedOn"/> saying for a preset whether its QEMU and kernel can run nested VMs.</summary>
    public static string? WhyNotRunnable(Scenario scenario, KernelProfile kernelProfile, Func<string, bool> nestedOn)
    {
        var setup = scenario.Setup;
        if (setup.Profile != kernelProfile)
        {
            return $"written for profile {KernelProfiles.Name(setup.Profile)}, the kernel runs profile {KernelProfiles.Name(kernelProfile)}";
        }
        if (PresetOf(setup.Host) is not { } preset)
        {
            return $"host is not a QEMU preset ({string.Join(", ", HostSpec.Presets.Select(p => p.Name))})";
        }
        if (!QemuBoot.Available(preset))
        {
            return $"host {preset} is a QEMU 10 CPU model: QEMU 10 is not cached (run scripts/setup-kernel-oracle.sh)";
        }
        if (setup.Vm.Nested && !nestedOn(PresetOf(setup.Host)!))
        {
            // N1-N4: a guest hypervisor needs HAS_EL2 (7.2 with kvm-arm.mode=nested) and FEAT_NV2 (QEMU 10's -cpu max).
            return !ProfileRules.Of(kernelProfile).HasNested ? "nested virtualisation: only profile 7.2 accepts HAS_EL2"
                : QemuBoot.Qemu10 is null ? "nested virtualisation: QEMU 10 is not cached (run scripts/setup-kernel-oracle.sh)"
                : $"nested virtualisation: the {PresetOf(setup.Host)} CPU has no FEAT_NV2";
        }
        if (!setup.Vm.El2 && !ProfileRules.Of(kernelProfile).El2FieldLowerable)
        {
            return "el2=off: 6.1 does not let userspace lower ID_AA64PFR0_EL1.EL2";
        }
        if (setup.Vm.El3 && !setup.Vm.Nested)
        {
            return "el3=on: QEMU's virt machine gives the host no EL3 to advertise";
        }
        var spi = new bool[setup.Vm.Vcpus];
        foreach (var step in scenario.Steps)
        {
            if (WhyStepNotRunnable(step.Step) is { } reason)
            {
                return $"line {step.Line}: {reason}";
            }
            if (step.Step is SetIrqStep { Intid: >= 32 } && step.Step.Vcpu < spi.Length)
            {
                spi[step.Step.Vcpu] = true;
            }
            if (step.Step is ReadStep { Register.Kind: RegisterKind.Irq } && step.Step.Vcpu < spi.Length && spi[step.Step.Vcpu])
            {
                return $"line {step.Line}: 'read irq' after 'set-irq' of an SPI: the probe reads only the PPIs' lines";
            }
        }
        return null;
    }

    private static string? WhyStepNotRunnable(Step step) => step switch
    {
        EventsStep e when !LoopEvents.Contains(e.Event) => $"event {Events.Format(e.Event)}: QEMU only produces inst_retired and cpu_cycles",
        EventsStep { Count: > MaxLoopIterations } => $"more than {MaxLoopIterations} events: too slow to produce under QEMU",
        _ => null,
    };

    /// <summary>
    /// A generated scenario lowered to what the probe can produce: every <c>events</c> step becomes
    /// INST_RETIRED or CPU_CYCLES (which one follows the original event), at most 100,000
    /// occurrences, at the same exception level (the probe runs guest code at EL0, EL1 and vEL2).
    /// Events never change which steps make sense, so the result stays valid.
    /// </summary>
    public static Scenario LowerEvents(Scenario scenario) => scenario.WithSteps(scenario.Steps.Select(s => s.Step switch
    {
        EventsStep e when WhyStepNotRunnable(e) is not null => s with
        {
            Step = e with
            {
                Event = LoopEvents.Contains(e.Event) ? e.Event : LoopEvents[e.Event % LoopEvents.Count],
                Count = Math.Min(e.Count, 100_000),
            },
        },
        _ => s,
    }).ToList());

    /// <summary>Writes the batch for scenarios that are all runnable; scenario i gets the id <c>s{i}</c>.</summary>
    public static string Write(IReadOnlyList<Scenario> scenarios)
    {
        var text = new StringBuilder();
        for (var i = 0; i < scenarios.Count; i++)
        {
            Append(text, $"s{i}", scenarios[i]);
        }
        return text.ToString();
    }

    /// <summary>
    /// Writes a batch whose scenarios carry their CHECK lines (probe/check.c), for runs judged
    /// without .NET: a bundle (<c>probe --ktap</c>) and a reproducer.
    /// </summary>
    public static string WriteChecked(IReadOnlyList<(string Id, Scenario Scenario, IReadOnlyList<ProbeCheck> Checks)> scenarios)
    {
        var text = new StringBuilder();
        foreach (var (id, scenario, checks) in scenarios)
        {
            Append(text, id, scenario, checks);
        }
        return text.ToString();
    }

    private static void Append(StringBuilder text, string id, Scenario scenario, IReadOnlyList<ProbeCheck>? checks = null)
    {
        var vm = scenario.Setup.Vm;
        text.Append(CultureInfo.InvariantCulture,
            $"SCENARIO {id} vcpus={vm.Vcpus} pmu={Bit(vm.Pmu)} el2={Bit(vm.El2)} el3={Bit(vm.El3)} nested={Bit(vm.Nested)}\n");
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            if (scenario.Steps[i].Step.Probe is { } line)
            {
                text.Append(CultureInfo.InvariantCulture, $"{line.Kind} {i} {scenario.Steps[i].Step.Vcpu} {line.Operation}\n");
            }
        }
        foreach (var check in checks ?? [])
        {
            text.Append(check.BatchLine).Append('\n');
        }
        text.Append("END\n");
    }

    private static int Bit(bool value) => value ? 1 : 0;
}
