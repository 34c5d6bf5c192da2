using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary>The values of <c>--target</c>: every target the suite can run scenarios on.</summary>
public static class Targets
{
    /// <summary>Names for help texts.</summary>
    public static IReadOnlyList<string> Names => ["model"];

    /// <summary>The target of that name, or null with a message when there is none.</summary>
    public static ITarget? Resolve(string name, out string? error)
    {
        error = null;
        switch (name)
        {
            case ModelTarget.TargetName:
                return new ModelTarget();
            default:
                error = $"unknown target '{name}' (known: {string.Join(", ", Names)})";
                return null;
        }
    }
}
