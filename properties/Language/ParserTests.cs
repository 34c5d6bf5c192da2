using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Language;

/// <summary>Every set-up line and step form of scenario-language.md parses to the value it means.</summary>
public sealed class ParserTests
{
    private static Step OnlyStep(string text, string setup = "") =>
        ScenarioParser.Parse(setup + text + "\n", "<test>").Steps.Single().Step;

    [Fact]
    public void An_empty_file_has_the_default_set_up_and_no_steps()
    {
        var scenario = ScenarioParser.Parse("", "<empty>");
        scenario.Setup.ShouldBe(Setup.Default);
        scenario.Setup.Profile.ShouldBe(KernelProfile.V7_2);
        scenario.Setup.Host.ShouldBe(HostSpec.QemuMax);
        scenario.Setup.Vm.ShouldBe(new VmSpec(1, Nested: false, El2: true, El3: false));
        scenario.Steps.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("6.1", KernelProfile.V6_1)]
    [InlineData("6.12", KernelProfile.V6_12)]
    [InlineData("7.2", KernelProfile.V7_2)]
    public void Profiles(string text, KernelProfile profile) =>
        ScenarioParser.Parse($"profile {text}").Setup.Profile.ShouldBe(profile);

    [Fact]
    public void Host_presets_have_the_values_the_oracle_observed()
    {
        ScenarioParser.Parse("host qemu-max").Setup.Host.ShouldBe(new HostSpec(PmuVersion.V3P5, 6, 0x20101, 0x10000018));
        ScenarioParser.Parse("host qemu-a57").Setup.Host.ShouldBe(new HostSpec(PmuVersion.Imp, 6, 0x20101, 0));
    }

    /// <summary>The QEMU 10 CPU models: values read on 6.1, 6.12 and 7.2 (README, "Host presets"; E1 E2 F9 P3 P4 R1 O2).</summary>
    [Fact]
    public void Qemu10_host_presets_have_the_values_the_oracle_observed()
    {
        ScenarioParser.Parse("host qemu-n1").Setup.Host.ShouldBe(new HostSpec(PmuVersion.V3P1, 6, 0x20101, 0x18, PmcrId: 0x410C0000));
        ScenarioParser.Parse("host qemu-v1").Setup.Host.ShouldBe(new HostSpec(PmuVersion.V3P4, 6, 0x20101, 0x10000018, PmcrId: 0x41210000));
        ScenarioParser.Parse("host qemu-a710").Setup.Host.ShouldBe(new HostSpec(PmuVersion.V3P5, 20, 0x20101, 0x10000018, PmcrId: 0));
        ScenarioParser.Parse("host qemu-a64fx").Setup.Host.ShouldBe(new HostSpec(PmuVersion.V3P1, 8, 0x20101, 0x18, AArch32: false, PmcrId: 0x46010000));
        HostSpec.Presets.Select(p => p.Host.PmuVer).Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public void A_custom_host_takes_every_option()
    {
        var host = ScenarioParser.Parse("host pmuver=v3p1 counters=31 pmceid0=0xffffffffffffffff pmceid1=7 aarch32=no pmus=3 pmcrid=0x12345678").Setup.Host;
        host.ShouldBe(new HostSpec(PmuVersion.V3P1, 31, ulong.MaxValue, 7, AArch32: false, Pmus: 3, PmcrId: 0x12340000));
    }

    [Fact]
    public void A_preset_can_be_adjusted_by_options()
    {
        ScenarioParser.Parse("host qemu-a57 counters=4").Setup.Host.ShouldBe(HostSpec.QemuA57 with { Counters = 4 });
    }

    [Theory]
    [InlineData("imp", PmuVersion.Imp)]
    [InlineData("v3p5", PmuVersion.V3P5)]
    [InlineData("impdef", PmuVersion.ImpDef)]
    [InlineData("2", (byte)2)]
    [InlineData("0xf", PmuVersion.ImpDef)]
    public void PmuVer_values_are_names_or_numbers(string text, byte value) =>
        ScenarioParser.Parse($"host pmuver={text} counters=6 pmceid0=0 pmceid1=0").Setup.Host.PmuVer.ShouldBe(value);

    [Fact]
    public void The_vm_line_takes_every_option_in_any_order()
    {
        ScenarioParser.Parse("vm el3=on vcpus=4 el2=on nested=on pmu=on").Setup.Vm.ShouldBe(new VmSpec(4, Nested: true, El2: true, El3: true));
        ScenarioParser.Parse("vm vcpus=2 el2=off pmu=off").Setup.Vm.ShouldBe(new VmSpec(2, El2: false, Pmu: false));
    }

    public static TheoryData<string, Step> StepForms() => new()
    {
        { "filter allow 0x11 1", new FilterStep(0, FilterStep.Allow, 0x11, 1) },
        { "filter deny cpu_cycles 1", new FilterStep(0, FilterStep.Deny, 0x11, 1) },
        { "filter deny 0 0 pad=0xffffff", new FilterStep(0, FilterStep.Deny, 0, 0, 0xFFFFFF) },
        { "filter action=255 0xffff 65535", new FilterStep(0, 255, 0xFFFF, 0xFFFF) },
        { "filter fault", new FilterFaultStep(0) },
        { "set-pmu 3", new SetPmuStep(0, 3) },
        { "set-nr-counters 0", new SetNrCountersStep(0, 0) },
        { "set-pmuver v3p4", new SetPmuVerStep(0, PmuVersion.V3P4) },
        { "attr 5", new AttrStep(0, 5) },
        { "attr 0xffffffffffffffff", new AttrStep(0, ulong.MaxValue) },
        { "init", new InitStep(0) },
        { "run", new RunStep(0) },
        { "init noirq", new InitStep(0, NoIrq: true) },
        { "reset", new ResetStep(0) },
        { "set-irq 1020", new SetIrqStep(0, 1020) },
        { "has-attr 0", new HasAttrStep(0, 0) },
        { "has-attr 0xffffffffffffffff", new HasAttrStep(0, ulong.MaxValue) },
        { "get-reg pmevcntr30", new GetRegStep(0, Register.Pmevcntr(30)) },
        { "get-reg mdcr_el2", new GetRegStep(0, Register.MdcrEl2) },
        { "set-reg pmcntenclr 0xffffffffffffffff", new SetRegStep(0, Register.PmcntenClr, ulong.MaxValue) },
        { "write pmcr 0x1", new WriteStep(0, Register.Pmcr, 1) },
        { "write pmevtyper30 0xffffffffffffffff", new WriteStep(0, Register.Pmevtyper(30), ulong.MaxValue) },
        { "write pmxevcntr 12", new WriteStep(0, Register.Pmxevcntr, 12) },
        { "read pmevcntr0", new ReadStep(0, Register.Pmevcntr(0)) },
        { "read pmceid1", new ReadStep(0, Register.Pmceid1) },
        { "read id_aa64dfr0", new ReadStep(0, Register.IdAa64dfr0) },
        { "read irq", new ReadStep(0, Register.Irq) },
        { "swinc 0x80000001", new SwincStep(0, 0x80000001) },
        { "events stall_slot 4294967295 at el0", new EventsStep(0, Events.StallSlot, 0xFFFFFFFF, GuestEl.El0) },
        { "events 0x4011 0 at el1", new EventsStep(0, 0x4011, 0, GuestEl.El1) },
        { "put", new PutStep(0) },
        { "load", new LoadStep(0) },
        { "vcpu 3: init", new InitStep(3) },
        { "vcpu 2 : read pmcr", new ReadStep(2, Register.Pmcr) },
        { "vcpu 1:\tfilter\tdeny 1 2", new FilterStep(1, FilterStep.Deny, 1, 2) },
    };

    [Theory]
    [MemberData(nameof(StepForms))]
    public void Every_step_form_parses(string text, Step expected) =>
        OnlyStep(text, "vm vcpus=4\n").ShouldBe(expected);

    [Theory]
    [InlineData("enter-hyp")]
    [InlineData("exit-hyp")]
    [InlineData("read mdcr_el2")]
    [InlineData("write mdcr_el2 0x84")]
    [InlineData("events cpu_cycles 1 at el2")]
    public void Nested_steps_parse_in_a_nested_vm(string text) =>
        Should.NotThrow(() => OnlyStep(text, "profile 7.2\nvm nested=on el2=on\n"));

    [Fact]
    public void Nested_steps_have_their_own_records()
    {
        var nested = "vm nested=on\n";
        OnlyStep("enter-hyp", nested).ShouldBe(new EnterHypStep(0));
        OnlyStep("exit-hyp", nested).ShouldBe(new ExitHypStep(0));
        OnlyStep("events inst_retired 2 at el2", nested).ShouldBe(new EventsStep(0, Events.InstRetired, 2, GuestEl.El2));
    }

    public static TheoryData<string, Outcome?> Expectations() => new()
    {
        { "init -> ok", Outcome.Ok },
        { "init -> EBUSY", Outcome.Error(Errno.EBUSY) },
        { "filter fault -> efault", Outcome.Error(Errno.EFAULT) },
        { "read pmcr -> 0x3000", Outcome.Of(0x3000) },
        { "read pmcr -> 12288", Outcome.Of(0x3000) },
        { "read pmcr -> undef", Outcome.Undef },
        { "write pmcr 1 -> ok", Outcome.Ok },
        { "write pmcr 1 -> undef", Outcome.Undef },
        { "swinc 1 -> undef", Outcome.Undef },
        { "read pmcr -> ?", null },
        { "read pmcr", null },
        { "read pmcr    ->    0x0   # trailing comment", Outcome.Of(0) },
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Expectation_forms(string text, Outcome? expected) =>
        ScenarioParser.Parse(text).Steps.Single().Expected.ShouldBe(expected);

    [Fact]
    public void Lines_are_numbered_from_one_counting_comments_and_blank_lines()
    {
        var scenario = ScenarioParser.Parse("# what it checks\n\nprofile 6.1\r\ninit\n   # note\nrun -> ok\n", "f.pmu");
        scenario.Steps.Select(s => s.Line).ShouldBe([4, 6]);
        scenario.Source.ShouldBe("f.pmu");
        scenario.Where(1).ShouldBe("f.pmu:6");
    }

    [Fact]
    public void Leading_comments_are_kept_and_later_ones_are_not()
    {
        var scenario = ScenarioParser.Parse("# first\n#second\nprofile 7.2\n# inside\ninit\n");
        scenario.Comments.ShouldBe(["first", "second"]);
    }

    [Fact]
    public void Event_names_and_numbers_are_the_same_event()
    {
        foreach (var (name, number) in new[] { ("sw_incr", 0x00), ("inst_retired", 0x08), ("cpu_cycles", 0x11), ("chain", 0x1E), ("br_retired", 0x21), ("stall_slot", 0x3F) })
        {
            OnlyStep($"filter allow {name} 1").ShouldBe(OnlyStep($"filter allow {number} 1"));
        }
    }
}
