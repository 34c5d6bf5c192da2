using PmuConformance.Fuzz.Pmu.Reporting;

namespace PmuConformance.Fuzz.Pmu;

/// <summary>
/// The harness's own commands, which <c>pmuconf fuzz</c> runs around the engines:
/// <c>seeds &lt;target&gt; --out &lt;dir&gt; [--corpora &lt;dir&gt;] [--count n]</c> writes the
/// initial inputs, <c>report &lt;target&gt; --campaign &lt;dir&gt; [--findings &lt;dir&gt;]</c> turns
/// the engines' raw findings into repro files, <c>opponents</c> lists what <c>differential@&lt;name&gt;</c> accepts.
/// </summary>
public static class HarnessExtras
{
    public const string Seeds = "seeds";
    public const string Report = "report";
    public const string Opponents = "opponents";

    /// <summary>Prints what the differential target can run against: pmuconf's emulator targets and the self-test ones.</summary>
    public static int ListOpponents()
    {
        foreach (var name in Cli.Targets.Names.Where(n => n.StartsWith("emulator", StringComparison.Ordinal)).Concat(SelfTestTargets.Names))
        {
            Console.WriteLine(name);
        }
        return 0;
    }

    public static int WriteSeeds(string[] args)
    {
        var options = Options(args, out var target);
        if (target is null || !options.TryGetValue("--out", out var output))
        {
            return Usage("seeds <target> --out <dir> [--corpora <dir>] [--count <n>]");
        }
        if (PmuTargets.Resolve(target) is null)
        {
            var (_, opponent) = PmuTargets.Split(target);
            PmuTargets.Against(opponent, out var why);
            Console.Error.WriteLine($"error: unknown target '{target}'{(why is null ? "" : ": " + why)}");
            return 2;
        }
        var (function, against) = PmuTargets.Split(target);
        var count = options.TryGetValue("--count", out var text) ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : SeedWriter.DefaultGeneratedSeeds;
        try
        {
            var written = SeedWriter.Write(function, against, output, options.GetValueOrDefault("--corpora"), count);
            Console.WriteLine($"{written} seed(s) for {target} written to {Path.GetFullPath(output)}");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk is a set-up error: no stack trace, and no partial seed folder left for the next run.
            Console.Error.WriteLine($"error: cannot write the seeds to {Path.GetFullPath(output)}: {e.Message}");
            return 2;
        }
    }

    public static int WriteReports(string[] args)
    {
        var options = Options(args, out var target);
        if (target is null || !options.TryGetValue("--campaign", out var campaign))
        {
            return Usage("report <target> --campaign <dir> [--findings <dir>]");
        }
        if (PmuTargets.Resolve(target) is null)
        {
            Console.Error.WriteLine($"error: unknown target '{target}'");
            return 2;
        }
        var reporter = new FindingReporter(target, new CampaignLayout(campaign), options.GetValueOrDefault("--findings"), Console.Out);
        try
        {
            var count = reporter.Run();
            Console.WriteLine($"{count} new finding(s) reported in {new CampaignLayout(campaign).Findings}");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The repros printed so far are complete; the raw inputs stay for the next report run.
            Console.Error.WriteLine($"error: cannot write the finding reports: {e.Message}");
            return 2;
        }
    }

    private static Dictionary<string, string> Options(string[] args, out string? target)
    {
        target = null;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                target ??= args[i];
            }
        }
        return options;
    }

    private static int Usage(string usage)
    {
        Console.Error.WriteLine("usage: pmuconf-fuzz " + usage);
        return 2;
    }
}
