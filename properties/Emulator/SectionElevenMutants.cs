using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties.Emulator;

/// <summary>
/// The defects of behaviour.md section 11, by number, as the product's defect variants
/// (<see cref="DefectCatalog"/>, <c>emulator:&lt;name&gt;</c>): the differential test and the
/// targeted scenarios must fail on each (a property that cannot fail proves nothing).
/// </summary>
public static class SectionElevenMutants
{
    public static ITarget Create(int defect) => Variant(defect).Create();

    private static DefectVariant Variant(int defect) => DefectCatalog.Find(defect switch
    {
        1 => "filter-index-raw-evtyper",
        2 => "exclude-sets-nsk",
        3 => "hyp-uses-el1-bit",
        4 => "hyp-clears-p-only-if-nsh",
        5 => "hyp-no-recompile",
        6 => "swincr-chain-get-exclude-bits",
        _ => throw new ArgumentOutOfRangeException(nameof(defect)),
    })!;
}
