using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Fuzz.Pmu;

/// <summary>
/// Deliberately broken emulators of the harness's own, named <c>selftest:&lt;name&gt;</c>. They show
/// that the differential target finds, shrinks and reports a divergence whether or not the
/// emulator's defect variants (<c>emulator:&lt;defect&gt;</c>) exist, and they are what
/// properties/Fuzz and scripts/fuzz-smoke.sh check the mechanism with.
/// </summary>
public static class SelfTestTargets
{
    public const string Prefix = "selftest:";

    /// <summary>The names, for help texts.</summary>
    public static IReadOnlyList<string> Names { get; } = [Prefix + SwincLost.ShortName];

    public static ITarget? Resolve(string name) => name switch
    {
        Prefix + SwincLost.ShortName => new SwincLost(),
        _ => null,
    };

    /// <summary>
    /// The emulator with every PMSWINC write lost (the mask read as 0), so SW_INCR counters never
    /// move (C6 broken). Visible only when a counter is programmed with SW_INCR, enabled, PMCR.E
    /// set, incremented and read back: a path the fuzzer has to find.
    /// </summary>
    public sealed class SwincLost : SimulatingTarget
    {
        public const string ShortName = "swinc-lost";

        public override string Name => Prefix + ShortName;

        public override string? WhyNotRunnable(Setup setup) => EmulatorProfiles.WhyNotRunnable(setup);

        protected override ISimulatedVm CreateVm(Setup setup) => new Vm(EmulatorTarget<CorrectPolicy>.CreateVm(setup));

        private sealed class Vm(ISimulatedVm emulator) : ISimulatedVm
        {
            public Outcome Apply(Step step) => emulator.Apply(step is SwincStep swinc ? swinc with { Mask = 0 } : step);
        }
    }
}
