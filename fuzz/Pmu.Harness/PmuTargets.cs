using PmuConformance.Cli;
using PmuConformance.Fuzz.Engine;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Fuzz.Pmu;

/// <summary>
/// The harness's target names. The differential target runs against the emulator by default;
/// <c>differential@&lt;target&gt;</c> runs it against any other target pmuconf knows
/// (<c>emulator:&lt;defect&gt;</c>, via the CLI's <see cref="Targets"/>) or a
/// <see cref="SelfTestTargets"/> one. The name travels whole to the supervised child and to
/// SharpFuzz's fork server and its children, so it is all they need to rebuild the target.
/// </summary>
public static class PmuTargets
{
    public const string Differential = "differential";
    public const string Parser = "parser";
    public const string Explain = "explain";
    public const char AgainstSeparator = '@';

    /// <summary>The target functions (<c>--target-fn</c>).</summary>
    public static IReadOnlyList<string> Functions { get; } = [Differential, Parser, Explain];

    /// <summary>Targets listed by the harness's <c>list</c> command.</summary>
    public static IEnumerable<FuzzTargetDefinition> Listed() =>
        [Resolve(Differential)!, Resolve(Parser)!, Resolve(Explain)!];

    /// <summary>The harness target name for a function and, for the differential one, what it runs against.</summary>
    public static string Name(string function, string? against) =>
        function == Differential && against is not null && against != EmulatorTarget.TargetName
            ? function + AgainstSeparator + against
            : function;

    /// <summary>The target the differential function compares with the model, or null with a reason.</summary>
    public static ITarget? Against(string name, out string? error)
    {
        if (SelfTestTargets.Resolve(name) is { } selfTest)
        {
            error = null;
            return selfTest;
        }
        if (name.StartsWith("kernel:", StringComparison.Ordinal) || name == "model")
        {
            error = $"'{name}' cannot be fuzzed: the differential target compares the model with an emulator";
            return null;
        }
        var target = Targets.Resolve(name, out error);
        if (target is not null && target.WhyNotRunnable(Setup.Default) is { } reason)
        {
            error = $"target {name} cannot run profile 7.2 scenarios: {reason}";
            return null;
        }
        return target;
    }

    public static FuzzTargetDefinition? Resolve(string name)
    {
        switch (name)
        {
            case Parser:
                return new FuzzTargetDefinition(Parser, ParserTarget.Run)
                {
                    IsFinding = ParserTarget.IsFinding,
                    Description = ".pmu text -> ScenarioParser (+ printer round trip); only ScenarioException may come out",
                };
            case Explain:
                return new FuzzTargetDefinition(Explain, ExplainTarget.Run)
                {
                    IsFinding = ExplainTarget.IsFinding,
                    Description = "machine byte + filter text -> FilterText + FilterExplainer; only FilterTextException may come out",
                };
        }
        var (function, against) = Split(name);
        if (function != Differential || Against(against, out _) is not { } target)
        {
            return null;
        }
        var differential = new DifferentialTarget(target);
        return new FuzzTargetDefinition(name, differential.Run)
        {
            Description = $"bytes -> valid 7.2 scenario -> model vs {target.Name}; a divergence is a finding ('{Differential}{AgainstSeparator}<target>' for others)",
        };
    }

    /// <summary>The function and the differential target's opponent (the emulator unless named).</summary>
    public static (string Function, string Against) Split(string name)
    {
        var at = name.IndexOf(AgainstSeparator, StringComparison.Ordinal);
        return at < 0 ? (name, EmulatorTarget.TargetName) : (name[..at], name[(at + 1)..]);
    }
}
