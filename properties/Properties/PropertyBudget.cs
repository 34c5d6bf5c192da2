using System.Diagnostics;
using System.Globalization;
using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Choices;
using PmuConformance.Checking.Generation;
using PmuConformance.Properties.Framework;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties;

/// <summary>
/// Budgets of the property tests. PMUCONF_PROPERTY_SECONDS is the total property time of the suite
/// (default 40 s: CI), shared out by weight; PMUCONF_PROPERTY_CASES instead gives every property a
/// number of cases; PMUCONF_PROPERTY_SEED fixes the master seed (else FsCheck draws one per run and
/// prints it with a failure). Nightly runs set hours.
/// </summary>
/// <remarks>
/// FsCheck.Xunit runs a fixed number of cases, not a time: seconds become cases at the rate the
/// differential check runs on this machine, measured once per test process after a warm-up, for
/// a fraction of a second (<see cref="CasesPerSecond"/>). Laws run at a similar rate, so the total stays near the budget.
/// </remarks>
public static class PropertyBudget
{
    private const double DefaultTotalSeconds = 40;
    private const int WarmUpCases = 200;
    private const int CalibrationCases = 300;
    private static readonly TimeSpan CalibrationTime = TimeSpan.FromSeconds(0.3);
    private static readonly Lazy<double> MeasuredRate = new(Calibrate);

    /// <summary>Cases per second of the differential check here (measured once).</summary>
    public static double CasesPerSecond => MeasuredRate.Value;

    /// <summary>How many cases a property with <paramref name="share"/> of the suite's time runs (at least 1).</summary>
    public static int Cases(double share)
    {
        if (Variable("PMUCONF_PROPERTY_CASES") is { } casesText && int.TryParse(casesText, CultureInfo.InvariantCulture, out var cases) && cases > 0)
        {
            return cases;
        }
        if (share <= 0)
        {
            return 1; // FsCheck builds the attribute before the share is set; the setter recomputes
        }
        return (int)Math.Clamp(TotalSeconds() * share * CasesPerSecond, 1, int.MaxValue);
    }

    /// <summary>FsCheck's Replay text for PMUCONF_PROPERTY_SEED (a master seed), or null when it is not set.</summary>
    public static string? Replay()
    {
        if (Variable("PMUCONF_PROPERTY_SEED") is not { } text || !Scenarios.Numbers.TryParse(text, out var seed))
        {
            return null;
        }
        var gamma = (seed * 0x9E3779B97F4A7C15) | 1; // FsCheck's generator needs an odd gamma
        return string.Create(CultureInfo.InvariantCulture, $"{seed},{gamma}");
    }

    private static double TotalSeconds() =>
        Variable("PMUCONF_PROPERTY_SECONDS") is { } text
        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds
            : DefaultTotalSeconds;

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>
    /// Cases per second of the differential check: untimed warm-up cases first (the first cases pay
    /// for JIT compilation, and counting them made a 16 s budget run 158 cases), then at least
    /// <see cref="CalibrationCases"/> cases and <see cref="CalibrationTime"/>.
    /// </summary>
    private static double Calibrate()
    {
        var check = new DifferentialCheck(new EmulatorTarget());
        var seed = 1UL;
        void RunOne()
        {
            var size = (int)(seed % 101); // the sizes a run sweeps
            SafeCheck.Run(check, ScenarioGenerator.Generate(new RandomChoices(seed++), ScenarioArbitraries.EmulatorOptions, size));
        }

        for (var i = 0; i < WarmUpCases; i++)
        {
            RunOne();
        }
        var clock = Stopwatch.StartNew();
        var cases = 0;
        while (cases < CalibrationCases || clock.Elapsed < CalibrationTime)
        {
            RunOne();
            cases++;
        }
        return cases / clock.Elapsed.TotalSeconds;
    }
}
