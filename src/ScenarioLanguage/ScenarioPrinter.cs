using System.Text;

namespace PmuConformance.Scenarios;

/// <summary>
/// Writes a scenario in the <c>.pmu</c> format. <c>Parse(Print(s))</c> is structurally equal to
/// <c>s</c> (<see cref="Scenario.SameAs"/>).
/// </summary>
public static class ScenarioPrinter
{
    private const int ExpectationColumn = 34;

    /// <summary>Prints the scenario with its own expectations.</summary>
    public static string Print(Scenario scenario) =>
        Print(scenario, scenario.Steps.Select(s => s.Expected).ToList());

    /// <summary>Prints the scenario with the given expectation for each step (null: none).</summary>
    public static string Print(Scenario scenario, IReadOnlyList<Outcome?> expectations)
    {
        var text = new StringBuilder();
        foreach (var comment in scenario.Comments)
        {
            text.Append("# ").AppendLine(comment);
        }
        text.AppendLine(SetupText(scenario.Setup));
        text.AppendLine();
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i].Step;
            var line = StepText(step);
            var expected = i < expectations.Count ? expectations[i] : null;
            if (expected is { } outcome && outcome.Kind != OutcomeKind.Nothing && step.Yields != StepYield.Nothing)
            {
                line = line.PadRight(ExpectationColumn - 1) + " -> " + outcome;
            }
            text.AppendLine(line);
        }
        return text.ToString();
    }

    /// <summary>The 1-based line <see cref="Print(Scenario)"/> puts step <paramref name="stepIndex"/> on.</summary>
    public static int StepLine(Scenario scenario, int stepIndex) =>
        scenario.Comments.Count + SetupText(scenario.Setup).Split('\n').Length + 1 + stepIndex + 1; // comments, set-up, blank line, steps

    public static string SetupText(Setup setup)
    {
        var text = $"profile {KernelProfiles.Name(setup.Profile)}\nhost {HostText(setup.Host)}\nvm {VmText(setup.Vm)}";
        return setup.Deviations.IsEmpty ? text : text + $"\ndeviations {setup.Deviations}";
    }

    public static string HostText(HostSpec host)
    {
        if (host.PresetName is { } name)
        {
            return name;
        }
        var text = $"pmuver={PmuVersion.Format(host.PmuVer)} counters={host.Counters} "
            + $"pmceid0={Numbers.Hex(host.Pmceid0)} pmceid1={Numbers.Hex(host.Pmceid1)}";
        var defaults = HostSpec.QemuMax;
        if (host.AArch32 != defaults.AArch32)
        {
            text += " aarch32=" + (host.AArch32 ? "yes" : "no");
        }
        if (host.Pmus != defaults.Pmus)
        {
            text += " pmus=" + host.Pmus;
        }
        if (host.PmcrId != defaults.PmcrId)
        {
            text += " pmcrid=" + Numbers.Hex(host.PmcrId);
        }
        return text;
    }

    public static string VmText(VmSpec vm)
    {
        var text = $"vcpus={vm.Vcpus} nested={OnOff(vm.Nested)} el2={OnOff(vm.El2)} el3={OnOff(vm.El3)}";
        return vm.Pmu ? text : text + " pmu=off";
    }

    private static string OnOff(bool value) => value ? "on" : "off";

    public static string StepText(Step step) =>
        (step.Vcpu == 0 ? "" : $"vcpu {step.Vcpu}: ") + step.Text;
}
