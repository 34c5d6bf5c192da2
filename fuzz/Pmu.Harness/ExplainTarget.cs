using System.Text;
using PmuConformance.Cli;
using PmuConformance.Scenarios;

namespace PmuConformance.Fuzz.Pmu;

/// <summary>
/// The explain target: <c>pmuconf explain</c>'s filter-text parser (<see cref="FilterText"/>)
/// and explainer (<see cref="FilterExplainer"/>). The first byte picks the machine (profile, host
/// preset, guest PMUVer) from a small table; the rest is the filter text, UTF-8, where a NUL
/// separates command-line arguments. Bad text may only be refused with a
/// <see cref="FilterTextException"/> (what the command prints as a usage error).
/// </summary>
public static class ExplainTarget
{
    private static readonly byte?[] GuestPmuVers = [null, PmuVersion.Imp, PmuVersion.V3P1, PmuVersion.V3P4, PmuVersion.V3P5, PmuVersion.ImpDef];

    /// <summary>Every profile × host preset × guest PMUVer choice.</summary>
    public static readonly IReadOnlyList<ExplainSetup> Machines =
    [
        .. from profile in Enum.GetValues<KernelProfile>()
           from host in HostSpec.Presets
           from pmuVer in GuestPmuVers
           select new ExplainSetup(profile, host.Host, pmuVer),
    ];

    public static void Run(ReadOnlySpan<byte> input)
    {
        var machine = input.IsEmpty ? Machines[0] : Machines[input[0] % Machines.Count];
        var text = input.IsEmpty ? "" : Encoding.UTF8.GetString(input[1..]);
        var filters = FilterText.Parse(text.Split('\0'));
        FilterExplainer.Explain(machine, filters).Write(TextWriter.Null);
    }

    /// <summary>The arguments an input stands for (for reports).</summary>
    public static (ExplainSetup Machine, string[] Arguments) Describe(ReadOnlySpan<byte> input) =>
        (input.IsEmpty ? Machines[0] : Machines[input[0] % Machines.Count],
         input.IsEmpty ? [""] : Encoding.UTF8.GetString(input[1..]).Split('\0'));

    public static bool IsFinding(Exception e) => e is not FilterTextException;
}
