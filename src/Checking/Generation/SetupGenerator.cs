using PmuConformance.Checking.Choices;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Generation;

/// <summary>
/// Draws set-ups: mostly the QEMU presets the kernel oracle can boot, sometimes hosts with other
/// PMU versions (the 10-bit space, the reserved versions of E1, no PMU at all), counter counts at
/// their edges, several vCPUs, nested on/off and the EL2/EL3 ID fields on/off.
/// </summary>
public static class SetupGenerator
{
    private static readonly byte[] HostVersions =
    [
        PmuVersion.Imp, PmuVersion.V3P1, PmuVersion.V3P4, PmuVersion.V3P5, PmuVersion.V3P5, PmuVersion.V3P7,
        PmuVersion.V3P8, PmuVersion.V3P9, PmuVersion.ImpDef, PmuVersion.None, 2,
    ];

    private static readonly int[] CounterCounts = [0, 1, 2, 3, 4, 5, 6, 6, 6, 7, 8, 30, 31];

    private static readonly ulong[] Pmceids = [0, 0x20101, 0x10000018, 0x4000000000000001, 0xFFFFFFFFFFFFFFFF, 0xE0000000, 0x4000000040000001];

    /// <summary>A set-up the options allow; after many refusals, the default set-up of the first allowed profile.</summary>
    public static Setup Generate(IChoiceSource choices, GeneratorOptions options)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var setup = Draw(choices, options);
            if (options.Runnable(setup))
            {
                return setup;
            }
        }
        var fallback = Setup.Default with { Profile = options.Profiles[0] };
        return options.Runnable(fallback)
            ? fallback
            : throw new InvalidOperationException("the target under test runs none of the generated set-ups");
    }

    private static Setup Draw(IChoiceSource choices, GeneratorOptions options)
    {
        var profile = choices.Pick(options.Profiles);
        var host = options.Hosts is { Count: > 0 } hosts
            ? choices.Pick(hosts)
            : choices.Weighted([55, 20, 25]) switch
            {
                0 => HostSpec.QemuMax,
                1 => HostSpec.QemuA57,
                _ => CustomHost(choices),
            };
        var vcpus = 1 + choices.Weighted([40, 35, 15, 10]);
        // nested=on needs profile 7.2 and the EL2 field (scenario-language.md).
        var nested = ProfileRules.Of(profile).HasNested && (choices.Chance(20) || options.NestedOnly);
        var el2 = nested || !choices.Chance(15);
        var el3 = choices.Chance(25);
        var pmu = !choices.Chance(4);
        return new Setup(profile, host, new VmSpec(vcpus, nested, el2, el3, pmu));
    }

    private static HostSpec CustomHost(IChoiceSource choices) => new(
        PmuVer: choices.Pick(HostVersions),
        Counters: choices.Pick(CounterCounts),
        Pmceid0: choices.Chance(30) ? choices.Bits() : choices.Pick(Pmceids),
        Pmceid1: choices.Chance(30) ? choices.Bits() : choices.Pick(Pmceids),
        AArch32: !choices.Chance(25),
        Pmus: 1 + choices.Weighted([70, 20, 10]),
        PmcrId: choices.Chance(20) ? (uint)choices.Below(0x10000) << 16 : HostSpec.QemuMax.PmcrId);
}
