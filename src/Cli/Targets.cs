using PmuConformance.KernelOracle;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Cli;

/// <summary>The values of <c>--target</c>: every target the suite can run scenarios on.</summary>
public static class Targets
{
    /// <summary>
    /// Name → factory. A new target is one more line here; a factory runs once per command, so a
    /// target may keep state (a booted kernel) for the whole run.
    /// </summary>
    private static readonly IReadOnlyList<(string Name, Func<ITarget> Create)> All =
    [
        (ModelTarget.TargetName, () => new ModelTarget()),
        (EmulatorTarget.TargetName, () => new EmulatorTarget()),

        // emulator:<defect>: the emulator with one known defect (issue 5).
        .. DefectCatalog.All.Select(d => (d.TargetName, d.Create)),
    ];

    /// <summary>Names for help texts, in the order above, then the kernel targets.</summary>
    public static IReadOnlyList<string> Names =>
        [.. All.Select(t => t.Name), .. KernelImage.DebianNames.Select(k => KernelTarget.Prefix + k), KernelTarget.Prefix + "<path to an arm64 Image>"];

    /// <summary>The target of that name, or null with a message when there is none.</summary>
    /// <param name="progress">Where a target with a long start-up (a kernel boot) says what it is doing.</param>
    public static ITarget? Resolve(string name, out string? error, Action<string>? progress = null)
    {
        if (name.StartsWith(KernelTarget.Prefix, StringComparison.Ordinal))
        {
            return KernelTarget.Resolve(name, out error, progress);
        }
        foreach (var (known, create) in All)
        {
            if (known == name)
            {
                error = null;
                return create();
            }
        }
        error = $"unknown target '{name}' (known: {string.Join(", ", Names)})";
        return null;
    }
}
