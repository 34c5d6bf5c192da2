using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Generation;

/// <summary>What scenarios a generator may produce.</summary>
public sealed record GeneratorOptions
{
    public static readonly GeneratorOptions AllProfiles = new();

    /// <summary>The profiles set-ups are drawn from (the emulator only runs 7.2).</summary>
    public IReadOnlyList<KernelProfile> Profiles { get; init; } = Enum.GetValues<KernelProfile>();

    /// <summary>The most steps a scenario of the largest size aims at (the average is about half of it).</summary>
    public int MaxSteps { get; init; } = 70;

    /// <summary>When set, hosts are drawn from these only (the kernel oracle: the QEMU presets).</summary>
    public IReadOnlyList<HostSpec>? Hosts { get; init; }

    /// <summary>Only nested set-ups (a guest hypervisor, behaviour.md section 8) where the profile has them (7.2).</summary>
    public bool NestedOnly { get; init; }

    /// <summary>
    /// Whether nested set-ups also draw the VMM-side steps (set-reg/get-reg restores, resets, IRQ
    /// set-up). The kernel oracle's nested campaign turns them off: on 7.2 their combination with
    /// HPMN is not settled yet (docs/open-findings.md).
    /// </summary>
    public bool VmmStepsInNested { get; init; } = true;

    /// <summary>Set-ups the target under test cannot run are drawn again.</summary>
    public Func<Setup, bool> Runnable { get; init; } = _ => true;

    /// <summary>Options for scenarios that <paramref name="target"/> (and the model) can run.</summary>
    public static GeneratorOptions For(ITarget target, params KernelProfile[] profiles) => new()
    {
        Profiles = profiles.Length > 0 ? profiles : Enum.GetValues<KernelProfile>(),
        Runnable = setup => target.WhyNotRunnable(setup) is null,
    };
}
