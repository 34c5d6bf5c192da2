using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties;

/// <summary>
/// Deliberately broken emulators: the real emulator with one policy decision wrong (the product's
/// defect variants, <see cref="DefectCatalog"/>). They prove the properties can fail, and that the
/// engine finds and shrinks what they break.
/// </summary>
public static class BrokenEmulators
{
    /// <summary>C6 broken: PMSWINC consults the filter, so a default-deny filter stops SW_INCR counters.</summary>
    public static ITarget SoftwareIncrementObeysFilter() => Variant("swincr-filtered");

    /// <summary>N2 broken (behaviour.md section 11, defect 5): hardware event types are not recomputed on enter/exit-hyp.</summary>
    public static ITarget NoReprogramOnHypTransition() => Variant("hyp-no-recompile");

    /// <summary>Section 11 defect 2: "exclude everywhere" also sets NSK/NSU, and P == NSK counts at EL1.</summary>
    public static ITarget ExcludeSetsNsBits() => Variant("exclude-sets-nsk");

    private static ITarget Variant(string name) => DefectCatalog.Find(name)!.Create();
}
