using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Corpus;

/// <summary>
/// The targets every corpus file is replayed on. A target that cannot run a set-up (the emulator
/// runs profile 7.2 only) says so through <see cref="ITarget.WhyNotRunnable"/> and those files are
/// left out of its cases. To add a target, add one line here.
/// </summary>
public static class CorpusTargets
{
    public static IReadOnlyList<(string Name, Func<ITarget> Create)> All { get; } =
    [
        (ModelTarget.TargetName, () => new ModelTarget()),

        // (EmulatorTarget.TargetName, () => new PmuConformance.SystemUnderTest.EmulatorTarget()),
    ];

    public static ITarget Create(string name) =>
        All.Single(t => t.Name == name).Create();
}
