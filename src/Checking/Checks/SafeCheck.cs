namespace PmuConformance.Checking.Checks;

/// <summary>Runs a check so that an exception is a disagreement (with a repro) rather than a crash of the runner.</summary>
public static class SafeCheck
{
    public static CheckOutcome Run(IScenarioCheck check, Scenarios.Scenario scenario)
    {
        try
        {
            return check.Check(scenario);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new CheckOutcome(new HashSet<string>(), new Disagreement(
                Math.Max(0, scenario.Steps.Count - 1), "no exception", $"{e.GetType().Name}: {e.Message}",
                $"{check.Name} threw", []));
        }
    }
}
