using System.Diagnostics;
using PmuConformance.Checking.Shrinking;
using PmuConformance.Scenarios;

namespace PmuConformance.Fuzz.Pmu.Reporting;

/// <summary>
/// Shrinks a failing scenario with the property suite's <see cref="ScenarioShrinker"/>: takes the
/// first smaller valid variant that still fails and asks again, until none does or the budget is spent.
/// </summary>
public static class ScenarioMinimiser
{
    public static (Scenario Scenario, int Shrinks) Shrink(
        Scenario failing, Func<Setup, bool> runnable, Func<Scenario, bool> stillFails, TimeSpan budget)
    {
        var shrinker = new ScenarioShrinker(new ScenarioValidity(runnable));
        var clock = Stopwatch.StartNew();
        var current = failing;
        var shrinks = 0;
        while (clock.Elapsed < budget)
        {
            var smaller = shrinker.Shrink(current).FirstOrDefault(c => clock.Elapsed >= budget || stillFails(c));
            if (smaller is null || clock.Elapsed >= budget)
            {
                break;
            }
            current = smaller;
            shrinks++;
        }
        return (current, shrinks);
    }
}
