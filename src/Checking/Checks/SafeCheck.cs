using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Checks;

/// <summary>Runs a check so that an exception is a disagreement (with a repro) rather than a crash of the runner.</summary>
public static class SafeCheck
{
    /// <summary>
    /// A <see cref="TargetFailureException"/> (the target could not run at all: a kernel that does
    /// not boot) is not the scenario's fault and goes through to the command, which reports it once.
    /// </summary>
    public static CheckOutcome Run(IScenarioCheck check, Scenario scenario)
    {
        try
        {
            return check.Check(scenario);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not TargetFailureException)
        {
            return Threw(check, scenario, e);
        }
    }

    /// <summary>Several scenarios, as the check batches them; if the batch throws, each runs alone so that the exception is charged to its own scenario.</summary>
    public static IReadOnlyList<CheckOutcome> RunAll(IScenarioCheck check, IReadOnlyList<Scenario> scenarios)
    {
        try
        {
            var outcomes = check.CheckAll(scenarios);
            if (outcomes.Count == scenarios.Count)
            {
                return outcomes;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException and not TargetFailureException)
        {
            // fall through to one scenario at a time
        }
        return scenarios.Select(s => Run(check, s)).ToList();
    }

    private static CheckOutcome Threw(IScenarioCheck check, Scenario scenario, Exception e) =>
        new(new HashSet<string>(), new Disagreement(
            Math.Max(0, scenario.Steps.Count - 1), "no exception", $"{e.GetType().Name}: {e.Message}",
            $"{check.Name} threw", []));
}
