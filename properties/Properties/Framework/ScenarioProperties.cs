using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Coverage;
using PmuConformance.Checking.Engine;
using PmuConformance.Scenarios;
using Xunit.Abstractions;

namespace PmuConformance.Properties.Framework;

/// <summary>
/// Base of the classes holding <see cref="ScenarioPropertyAttribute"/> methods. FsCheck.Xunit calls
/// every case of one property on one instance and disposes it afterwards, so the instance can add up
/// the coverage of the run and, after a failure, write the final (shrunk) repro to <c>findings/</c>.
/// </summary>
public abstract class ScenarioProperties(ITestOutputHelper output) : IDisposable
{
    private (string Check, Repro Repro)? lastFailure;

    /// <summary>The rule ids and edge classes of the passing cases so far.</summary>
    protected CoverageTable Coverage { get; } = new();

    protected ITestOutputHelper Output => output;

    /// <summary>
    /// Runs <paramref name="check"/> on the scenario; on a disagreement throws a
    /// <see cref="CounterexampleException"/> carrying the repro file. FsCheck then shrinks with the
    /// project's shrinker, and the exception of the smallest failing scenario is the one it reports.
    /// </summary>
    protected void Holds(IScenarioCheck check, Scenario scenario)
    {
        var outcome = SafeCheck.Run(check, scenario);
        if (outcome.Disagreement is not { } disagreement)
        {
            if (lastFailure is null)
            {
                Coverage.Add(outcome.Labels);
            }
            return;
        }
        var repro = ReproText.Build(check.Name, "FsCheck.Xunit", scenario, disagreement, CounterexampleException.ReplayHint);
        lastFailure = (check.Name, repro);
        throw new CounterexampleException(disagreement, repro);
    }

    /// <summary>Called once the property passed all its cases: a place for checks over the whole run.</summary>
    protected virtual void AfterPassingRun()
    {
    }

    public void Dispose()
    {
        if (lastFailure is { } failure)
        {
            var path = Findings.Write(Findings.DefaultDirectory(), failure.Check, failure.Repro.Text);
            output.WriteLine($"shrunk repro written to {path}");
        }
        else
        {
            AfterPassingRun(); // FsCheck.Xunit reports an exception from here as the test's failure
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>A generated scenario on which a check failed: the message is the shrunk-so-far repro file.</summary>
public sealed class CounterexampleException(Disagreement disagreement, Repro repro)
    : Exception($"{disagreement.Explanation}: first difference at line {repro.FirstDifferenceLine}: expected {disagreement.Expected}, got {disagreement.Actual}"
        + $"{Environment.NewLine}---- repro (.pmu) ----{Environment.NewLine}{repro.Text}")
{
    /// <summary>Where the repro file sends a reader for the replay: FsCheck prints the seed with the failure.</summary>
    public const string ReplayHint =
        "take (seed,gamma,size) from FsCheck's \"Replay directly at failing step with\" line: "
        + "[ScenarioProperty(Replay = \"seed,gamma,size\")], or for a differential property pmuconf check --seed \"(seed,gamma,size)\"";

    public Repro Repro => repro;
}
