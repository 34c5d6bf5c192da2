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

    /// <summary>
    /// What the target under test needs done to each generated scenario before it can run it (a
    /// kernel's probe makes only its own loop events happen, so other events are lowered to them);
    /// null: nothing.
    /// </summary>
    public Func<Scenario, Scenario>? Prepare { get; init; }

    /// <summary>
    /// The scenarios to generate for <paramref name="target"/>: what it asks for when it says
    /// (<see cref="IHasGeneratorOptions"/>), else profile 7.2 set-ups it can run.
    /// </summary>
    public static GeneratorOptions For(ITarget target) =>
        target is IHasGeneratorOptions own ? own.GeneratorOptions : For(target, KernelProfile.V7_2);

    /// <summary>Options for scenarios that <paramref name="target"/> (and the model) can run.</summary>
    public static GeneratorOptions For(ITarget target, params KernelProfile[] profiles) => new()
    {
        Profiles = profiles.Length > 0 ? profiles : Enum.GetValues<KernelProfile>(),
        Runnable = setup => target.WhyNotRunnable(setup) is null,
    };
}

/// <summary>
/// A target that says which generated scenarios suit it, where "profile 7.2 set-ups it can run"
/// does not: a real kernel runs its own profile, on the QEMU presets, with its probe's loop events.
/// </summary>
public interface IHasGeneratorOptions
{
    GeneratorOptions GeneratorOptions { get; }
}
