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

    public static string SetupText(Setup setup) =>
        $"profile {KernelProfiles.Name(setup.Profile)}\nhost {HostText(setup.Host)}\nvm {VmText(setup.Vm)}";

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

    public static string StepText(Step step)
    {
        var prefix = step.Vcpu == 0 ? "" : $"vcpu {step.Vcpu}: ";
        return prefix + step switch
        {
            FilterStep f => FilterText(f),
            FilterFaultStep => "filter fault",
            SetPmuStep s => $"set-pmu {s.PmuIndex}",
            SetNrCountersStep s => $"set-nr-counters {s.Count}",
            SetPmuVerStep s => $"set-pmuver {PmuVersion.Format(s.Version)}",
            AttrStep a => $"attr {a.Attribute}",
            InitStep => "init",
            RunStep => "run",
            WriteStep w => $"write {w.Register} {Numbers.Hex(w.Value)}",
            ReadStep r => $"read {r.Register}",
            SwincStep s => $"swinc {Numbers.Hex(s.Mask)}",
            EventsStep e => $"events {Events.Format(e.Event)} {Numbers.Decimal(e.Count)} at {e.El.ToString().ToLowerInvariant()}",
            EnterHypStep => "enter-hyp",
            ExitHypStep => "exit-hyp",
            PutStep => "put",
            LoadStep => "load",
            _ => throw new ArgumentException($"unknown step type {step.GetType().Name}", nameof(step)),
        };
    }

    private static string FilterText(FilterStep f)
    {
        var action = f.Action switch
        {
            FilterStep.Allow => "allow",
            FilterStep.Deny => "deny",
            _ => $"action={f.Action}",
        };
        var text = $"filter {action} {Numbers.Hex(f.Base)} {f.Count}";
        return f.Pad == 0 ? text : text + $" pad={Numbers.Hex(f.Pad)}";
    }
}
