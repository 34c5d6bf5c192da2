using PmuConformance.KernelOracle;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties.Language;

/// <summary>
/// Every step type (<see cref="StepSyntax.StepTypes"/>) is handled everywhere a scenario goes: the
/// printer and parser round-trip it, the reference model and the emulator execute it (their step
/// switches have no default case, so a forgotten type throws), and the kernel oracle lowers it to a
/// probe line. A new step type without a sample here fails the first test, which names it.
/// </summary>
public sealed class StepTypesEverywhereTests
{
    /// <summary>A nested 7.2 VM with two vCPUs: every step type makes sense in it.</summary>
    private static readonly Setup Nested = ScenarioParser.Parse("profile 7.2\nhost qemu-max\nvm vcpus=2 nested=on el2=on\n").Setup;

    /// <summary>One or more samples of every step type (forms with different lowerings count separately).</summary>
    private static readonly Step[] Samples =
    [
        new FilterStep(0, FilterStep.Deny, 0x11, 1, 0x5),
        new FilterFaultStep(0),
        new SetPmuStep(0, 0),
        new SetNrCountersStep(0, 4),
        new SetPmuVerStep(0, PmuVersion.Imp),
        new AttrStep(0, 7),
        new HasAttrStep(0, 4),
        new SetIrqStep(0, 22),
        new InitStep(0),
        new InitStep(0, NoIrq: true),
        new RunStep(0),
        new ResetStep(0),
        new GetRegStep(0, Register.Pmevcntr(3)),
        new SetRegStep(0, Register.PmcntenClr, 0x80000001),
        new WriteStep(0, Register.Pmevtyper(1), 0x11),
        new ReadStep(0, Register.Pmccntr),
        new SwincStep(0, 1),
        new EventsStep(0, Events.CpuCycles, 10, GuestEl.El2),
        new EnterHypStep(0),
        new ExitHypStep(0),
        new PutStep(0),
        new LoadStep(0),
    ];

    public static TheoryData<string> SampleTexts()
    {
        var data = new TheoryData<string>();
        foreach (var sample in Samples)
        {
            data.Add(sample.Text);
        }
        return data;
    }

    private static Step Sample(string text) => Samples.First(s => s.Text == text);

    [Fact]
    public void Every_step_type_has_a_sample()
    {
        var missing = StepSyntax.StepTypes.Where(t => Samples.All(s => s.GetType() != t)).Select(t => t.Name).ToList();
        missing.ShouldBeEmpty($"step types without a sample in {nameof(StepTypesEverywhereTests)}: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(SampleTexts))]
    public void The_printer_and_the_parser_round_trip_it(string text)
    {
        var scenario = Scenario.Of(Nested, Sample(text) with { Vcpu = 1 });
        var parsed = ScenarioParser.Parse(ScenarioPrinter.Print(scenario), "<round trip>");
        parsed.Steps.Select(s => s.Step).ShouldBe(scenario.Steps.Select(s => s.Step));
    }

    [Theory]
    [MemberData(nameof(SampleTexts))]
    public void The_model_executes_it_on_every_profile(string text)
    {
        foreach (var profile in new[] { KernelProfile.V6_1, KernelProfile.V6_12, KernelProfile.V7_2 })
        {
            var vm = new ModelVm(Nested with { Profile = profile }, new RuleTrace());
            Prepare(vm);
            Should.NotThrow(() => vm.Apply(Sample(text)), $"profile {KernelProfiles.Name(profile)}");
        }
    }

    [Theory]
    [MemberData(nameof(SampleTexts))]
    public void The_emulator_executes_it(string text)
    {
        var vm = EmulatorTarget.CreateVm(Nested);
        Prepare(vm);
        Should.NotThrow(() => vm.Apply(Sample(text)));
    }

    [Theory]
    [MemberData(nameof(SampleTexts))]
    public void The_probe_lowers_it(string text)
    {
        var step = Sample(text);
        var batch = ProbeBatch.Write([Scenario.Of(Nested, step)]);
        var silent = step is PutStep or LoadStep; // enter-hyp and exit-hyp are a real HVC and ERET in the probe (nested, QEMU 10)
        batch.Split('\n').Count(l => l.StartsWith("U ", StringComparison.Ordinal) || l.StartsWith("G ", StringComparison.Ordinal))
            .ShouldBe(silent ? 0 : 1);
    }

    [Fact]
    public void The_probe_can_run_every_userspace_step_on_a_qemu_host()
    {
        var plain = Setup.Default;
        foreach (var step in Samples.Where(s => s.IsUserspace))
        {
            ProbeBatch.WhyNotRunnable(Scenario.Of(plain, step), KernelProfile.V7_2).ShouldBeNull(step.Text);
        }
    }

    /// <summary>vCPU 0 initialised and running: every sample then makes sense (guest steps need a run).</summary>
    private static void Prepare(ISimulatedVm vm)
    {
        vm.Apply(new InitStep(0)).ShouldBe(Outcome.Ok);
        vm.Apply(new RunStep(0)).ShouldBe(Outcome.Ok);
    }
}
