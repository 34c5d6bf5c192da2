using PmuConformance.Checking.Engine;

namespace PmuConformance.Properties;

/// <summary>
/// Budgets of the property tests. PMUCONF_PROPERTY_SECONDS is the total property time of the suite
/// (default 40 s: CI), shared out by weight; PMUCONF_PROPERTY_CASES instead gives every property a
/// number of cases; PMUCONF_PROPERTY_SEED fixes the master seed (else a new one each run, printed).
/// Nightly runs set hours.
/// </summary>
public static class PropertyBudget
{
    private const double DefaultTotalSeconds = 40;

    /// <summary>Settings for one property that gets <paramref name="share"/> of the total time.</summary>
    public static EngineSettings For(double share) =>
        EngineSettings.FromEnvironment(share, DefaultTotalSeconds) with { FindingsDirectory = Findings.DefaultDirectory() };
}
