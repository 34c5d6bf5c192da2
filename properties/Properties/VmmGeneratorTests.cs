using PmuConformance.Checking.Choices;
using PmuConformance.Checking.Generation;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties;

/// <summary>
/// The generator draws the VMM's side of the API (issue 14) the way VMMs use it: every new step
/// type, restores before and after the PMU's INIT (cloud-hypervisor's and QEMU's orders), write-backs
/// after the run, resets of running vCPUs, and filters installed again before a restore's first run.
/// </summary>
public sealed class VmmGeneratorTests
{
    private static readonly IReadOnlyList<Scenario> Generated =
        Enumerable.Range(0, 600).Select(seed => ScenarioGenerator.Generate(new RandomChoices((ulong)seed), GeneratorOptions.AllProfiles, seed % 101)).ToList();

    [Theory]
    [InlineData(typeof(ResetStep))]
    [InlineData(typeof(SetIrqStep))]
    [InlineData(typeof(HasAttrStep))]
    [InlineData(typeof(GetRegStep))]
    [InlineData(typeof(SetRegStep))]
    public void Every_vmm_step_type_is_drawn(Type type) =>
        Generated.Count(s => s.Steps.Any(step => step.Step.GetType() == type)).ShouldBeGreaterThan(20);

    [Fact]
    public void Init_without_an_interrupt_is_drawn() =>
        Generated.Count(s => s.Steps.Any(step => step.Step is InitStep { NoIrq: true })).ShouldBeGreaterThan(20);

    [Fact]
    public void Registers_are_restored_before_and_after_the_pmus_init()
    {
        int before = 0, after = 0;
        foreach (var scenario in Generated)
        {
            var steps = scenario.Steps.Select(s => s.Step).ToList();
            var firstInit = steps.FindIndex(s => s is InitStep { Vcpu: 0 });
            var firstRun = steps.FindIndex(s => s is RunStep);
            var restores = steps.Select((s, i) => (s, i)).Where(x => x.s is SetRegStep { Vcpu: 0 } && (firstRun < 0 || x.i < firstRun)).Select(x => x.i).ToList();
            if (restores.Count == 0 || firstInit < 0)
            {
                continue;
            }
            before += restores.Any(i => i < firstInit) ? 1 : 0;
            after += restores.Any(i => i > firstInit) ? 1 : 0;
        }
        before.ShouldBeGreaterThan(10, "cloud-hypervisor's order: set-reg before INIT");
        after.ShouldBeGreaterThan(10, "QEMU's order: set-reg after INIT");
    }

    [Fact]
    public void Write_backs_after_the_run_write_what_get_reg_returned()
    {
        var found = 0;
        foreach (var scenario in Generated)
        {
            var steps = scenario.Steps.Select(s => s.Step).ToList();
            var transcript = new ModelTarget().Execute(scenario);
            var ran = false;
            for (var i = 0; i + 1 < steps.Count; i++)
            {
                ran |= steps[i] is RunStep && transcript.Outcomes[i].Kind == OutcomeKind.Ok;
                if (ran && steps[i] is GetRegStep get && transcript.Outcomes[i].Kind == OutcomeKind.Value
                    && steps.Skip(i + 1).OfType<SetRegStep>().Any(set => set.Register == get.Register && set.Value == transcript.Outcomes[i].Value))
                {
                    found++;
                    break;
                }
            }
        }
        found.ShouldBeGreaterThan(20);
    }

    [Fact]
    public void Running_vcpus_are_reset_and_run_again()
    {
        var found = 0;
        foreach (var scenario in Generated)
        {
            var steps = scenario.Steps.Select(s => s.Step).ToList();
            var reset = steps.FindIndex(s => s is ResetStep);
            if (reset > 0 && steps.Take(reset).Any(s => s is RunStep r && r.Vcpu == steps[reset].Vcpu)
                && steps.Skip(reset + 1).Any(s => s is RunStep r && r.Vcpu == steps[reset].Vcpu))
            {
                found++;
            }
        }
        found.ShouldBeGreaterThan(20);
    }

    [Fact]
    public void Restores_into_a_fresh_vm_are_drawn_with_and_without_the_filter()
    {
        int withFilter = 0, without = 0;
        foreach (var scenario in Generated)
        {
            var steps = scenario.Steps.Select(s => s.Step).ToList();
            var firstRun = steps.FindIndex(s => s is RunStep);
            var prefix = firstRun < 0 ? steps : steps.Take(firstRun).ToList();
            if (prefix.Count(s => s is SetRegStep) < 5)
            {
                continue;
            }
            if (prefix.Any(s => s is FilterStep))
            {
                withFilter++;
            }
            else
            {
                without++;
            }
        }
        withFilter.ShouldBeGreaterThan(10);
        without.ShouldBeGreaterThan(10);
    }
}
