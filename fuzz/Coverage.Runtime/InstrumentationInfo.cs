using System.Reflection;

namespace PmuConformance.Fuzz.Coverage;

/// <summary>What the loaded, instrumented assemblies require of the coverage map.</summary>
/// <param name="Assemblies">Names of the loaded assemblies that carry probes.</param>
/// <param name="RequiredMapSize">The largest map size any of them was instrumented for (0 if none).</param>
/// <param name="BlockCount">Total number of probes in them.</param>
public sealed record InstrumentationInfo(IReadOnlyList<string> Assemblies, int RequiredMapSize, int BlockCount)
{
    /// <summary>True if at least one loaded assembly is instrumented.</summary>
    public bool Any => Assemblies.Count > 0;

    /// <summary>Inspects the assemblies loaded into the current process.</summary>
    /// <remarks>
    /// Assemblies load lazily, so engines call this after running the target once: then the
    /// assemblies the target uses are loaded.
    /// </remarks>
    public static InstrumentationInfo OfLoadedAssemblies()
    {
        var names = new List<string>();
        int required = 0, blocks = 0;
        foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.GetCustomAttribute<CoverageInstrumentedAttribute>() is not { } marker)
            {
                continue;
            }

            names.Add(assembly.GetName().Name ?? assembly.FullName ?? "?");
            required = Math.Max(required, marker.MapSize);
            blocks += marker.BlockCount;
        }

        names.Sort(StringComparer.Ordinal);
        return new InstrumentationInfo(names, required, blocks);
    }
}
