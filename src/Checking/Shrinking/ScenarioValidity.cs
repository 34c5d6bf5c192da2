using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Shrinking;

/// <summary>
/// Whether a scenario is one the language accepts and the targets can execute without a scenario
/// error: what the parser checks (nested needs 7.2 and el2, hyp steps need nested, attr 5 and up...)
/// plus the shared step preconditions, by running it on the reference model.
/// </summary>
public sealed class ScenarioValidity(Func<Setup, bool>? runnable = null)
{
    private readonly ModelTarget model = new();
    private readonly Func<Setup, bool> runnable = runnable ?? (_ => true);

    public bool IsValid(Scenario scenario) => WhyInvalid(scenario) is null;

    /// <summary>Null when valid, else the first reason it is not.</summary>
    public string? WhyInvalid(Scenario scenario)
    {
        if (WhyInvalidSetup(scenario.Setup) is { } setupReason)
        {
            return setupReason;
        }
        if (!runnable(scenario.Setup))
        {
            return "the target under test cannot run this set-up";
        }
        var vm = scenario.Setup.Vm;
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            if (WhyInvalidStep(scenario.Steps[i].Step, vm) is { } reason)
            {
                return $"step {i + 1}: {reason}";
            }
        }
        return model.Execute(scenario).Error?.Message;
    }

    public static string? WhyInvalidSetup(Setup setup)
    {
        var vm = setup.Vm;
        if (vm.Vcpus is < 1 or > VmSpec.MaxVcpus)
        {
            return "vcpus must be 1-4";
        }
        if (vm.Nested && (!setup.ProfileRules.HasNested || !vm.El2))
        {
            return "nested=on needs profile 7.2 and el2=on";
        }
        if (setup.Host.Counters is < 0 or > 31 || setup.Host.Pmus is < 1 or > 8)
        {
            return "host counters must be 0-31 and pmus 1-8";
        }
        return null;
    }

    private static string? WhyInvalidStep(Step step, VmSpec vm)
    {
        if (step.Vcpu < 0 || step.Vcpu >= vm.Vcpus)
        {
            return "no such vcpu";
        }
        return step switch
        {
            AttrStep a when a.Attribute < AttrStep.FirstUnknown => "attr takes 5 or more",
            FilterStep f when f.Pad > FilterStep.MaxPad => "pad is three bytes",
            SetPmuVerStep s when s.Version > 0xF => "PMUVer is four bits",
            EventsStep e when e.Count > EventsStep.MaxCount => "count too large",
            EventsStep { El: GuestEl.El2 } when !vm.Nested => "el2 needs nested",
            EnterHypStep or ExitHypStep when !vm.Nested => "hyp steps need nested",
            ReadStep { Register.Kind: RegisterKind.MdcrEl2 } or WriteStep { Register.Kind: RegisterKind.MdcrEl2 } when !vm.Nested => "mdcr_el2 needs nested",
            WriteStep w when w.Register.IsReadOnly => "read-only register",
            _ => null,
        };
    }
}
