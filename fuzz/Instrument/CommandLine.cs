using System.Globalization;
using PmuConformance.Fuzz.Coverage;

namespace PmuConformance.Fuzz.Instrument;

/// <summary>Parses the tool's arguments.</summary>
internal static class CommandLine
{
    public const string Usage = """
        usage: PmuConformance.Fuzz.Instrument [options] <assembly.dll>...
          Rewrites each assembly in place with AFL-style edge probes (skipping any that are already
          instrumented).
        options:
          --map-size <n>       block ids are drawn below n (power of two; default 65536)
          --include <prefix>   only instrument types in this namespace (and below); repeatable, or a , / ; list
          --exclude <prefix>   never instrument types in this namespace (and below); repeatable
        """;

    /// <summary>Returns the options, or null with <paramref name="error"/> set.</summary>
    public static InstrumentOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var assemblies = new List<string>();
        var include = new List<string>();
        var exclude = new List<string>();
        int mapSize = CoverageMap.DefaultSize;
        error = null;

        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--map-size" when i + 1 < args.Count:
                    if (!int.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out mapSize))
                    {
                        error = $"--map-size: not a number: {args[i]}";
                        return null;
                    }

                    break;
                case "--include" when i + 1 < args.Count:
                    include.AddRange(SplitList(args[++i]));
                    break;
                case "--exclude" when i + 1 < args.Count:
                    exclude.AddRange(SplitList(args[++i]));
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal))
                    {
                        error = $"unknown or incomplete option: {arg}";
                        return null;
                    }

                    assemblies.Add(arg);
                    break;
            }
        }

        if (assemblies.Count == 0)
        {
            error = "no assembly given";
            return null;
        }

        try
        {
            CoverageMap.ValidateSize(mapSize);
        }
        catch (ArgumentOutOfRangeException e)
        {
            error = e.Message;
            return null;
        }

        return new InstrumentOptions(assemblies, mapSize, new NamespaceFilter(include, exclude));
    }

    // MSBuild hands item lists over as "a;b;c": accept that as well as repeated options.
    private static IEnumerable<string> SplitList(string value) =>
        value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
