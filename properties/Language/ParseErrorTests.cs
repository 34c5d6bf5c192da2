using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Language;

/// <summary>A malformed file is a ScenarioException naming the file, the right line and what is wrong.</summary>
public sealed class ParseErrorTests
{
    private const string Nested = "profile 7.2\nvm nested=on el2=on\n";

    [Theory]
    // unknown keywords and registers
    [InlineData("profile 7.2\nfoo 1", 2, "unknown step 'foo'")]
    [InlineData("read pmceid2", 1, "unknown register 'pmceid2'")]
    [InlineData("read pmevtyper31", 1, "unknown register")]
    [InlineData("read pmevcntr07", 1, "unknown register")]
    [InlineData("host qemu-foo", 1, "unknown host preset 'qemu-foo'")]
    [InlineData("vm cpus=2", 1, "unexpected 'cpus=2'")]
    [InlineData("profile 5.4", 1, "expected 'profile 6.1|6.12|7.2'")]
    [InlineData("set-pmuver v4", 1, "bad PMUVer 'v4'")]
    [InlineData("events cpu_cycles 1 at el3", 1, "expected el0, el1 or el2")]
    [InlineData("filter permit 0 1", 1, "expected allow, deny or action=<byte>")]
    // numbers out of range or malformed
    [InlineData("filter allow 0x10000 1", 1, "base: '0x10000' is not an event name or a number up to 0xffff")]
    [InlineData("filter allow 0 65536", 1, "nevents: 65536 is out of range")]
    [InlineData("filter action=256 0 0", 1, "action: 256 is out of range")]
    [InlineData("filter deny 0 1 pad=0x1000000", 1, "pad: 0x1000000 is out of range")]
    [InlineData("events cpu_cycles 0x100000000 at el1", 1, "count: 0x100000000 is out of range")]
    [InlineData("write pmcr 0x10000000000000000", 1, "value: '0x10000000000000000' is not a number")]
    [InlineData("write pmcr -1", 1, "is not a number")]
    [InlineData("swinc 1e3", 1, "is not a number")]
    [InlineData("vm vcpus=5", 1, "vcpus: 5 is out of range")]
    [InlineData("vm vcpus=0", 1, "vcpus must be 1-4")]
    [InlineData("host pmuver=v3p5 counters=32 pmceid0=0 pmceid1=0", 1, "counters: 32 is out of range")]
    [InlineData("host qemu-max pmus=0", 1, "pmus must be at least 1")]
    // missing or extra arguments
    [InlineData("filter allow 0", 1, "expected 'filter allow|deny|action=<byte> <base> <nevents> [pad=<x>]'")]
    [InlineData("write pmcr", 1, "expected 'write <register> <value>'")]
    [InlineData("read", 1, "expected 'read <register>'")]
    [InlineData("events cpu_cycles 1 el1", 1, "expected 'events <event> <count> at el0|el1|el2'")]
    [InlineData("init now", 1, "expected 'init' or 'init noirq'")]
    [InlineData("run now", 1, "'run' takes no arguments")]
    [InlineData("deviations KD99", 1, "unknown deviation 'KD99'")]
    [InlineData("get-reg irq", 1, "irq is the interrupt line")]
    [InlineData("set-reg id_aa64dfr0 0", 1, "use 'set-pmuver <v>'")]
    [InlineData("host pmuver=v3p5", 1, "host needs a preset or counters=")]
    [InlineData("vcpu 0", 1, "expected ':' after the vcpu number")]
    [InlineData("vcpu 0:", 1, "a step is missing after the vcpu prefix")]
    [InlineData("vcpu", 1, "expected 'vcpu <i>: <step>'")]
    [InlineData("attr 4", 1, "attribute 4 has its own step")]
    // set-up in the wrong place
    [InlineData("init\nprofile 7.2", 2, "set-up lines (profile, host, vm, deviations) must come before the first step")]
    [InlineData("run\n\n# c\nvm vcpus=2", 4, "must come before the first step")]
    [InlineData("profile 7.2\nprofile 6.1", 2, "this set-up line was already given")]
    [InlineData("profile 7.2 -> ok", 1, "set-up lines take no expectation")]
    // expectations that do not fit the step
    [InlineData("init\nevents cpu_cycles 1 at el1 -> 5", 2, "this step yields nothing to expect")]
    [InlineData("put -> ok", 1, "this step yields nothing to expect")]
    [InlineData("init -> EAGAIN", 1, "bad expectation 'EAGAIN': expected ok or an errno name")]
    [InlineData("init -> 22", 1, "bad expectation '22'")]
    [InlineData("init -> undef", 1, "bad expectation 'undef'")]
    [InlineData("read pmcr -> ok", 1, "bad expectation 'ok': expected a number or undef")]
    [InlineData("write pmcr 1 -> 5", 1, "bad expectation '5': expected ok or undef")]
    [InlineData("-> ok", 1, "an expectation needs a step before '->'")]
    // the VM the set-up declared
    [InlineData("vm vcpus=2\nvcpu 2: init", 2, "vcpu 2 does not exist (vm vcpus=2)")]
    [InlineData("vcpu 1: run", 1, "vcpu 1 does not exist (vm vcpus=1)")]
    [InlineData("vcpu 5: run", 1, "vcpu: 5 is out of range")]
    [InlineData("vm nested=on el2=off", 1, "nested=on needs el2=on")]
    [InlineData("enter-hyp", 1, "needs a nested VM")]
    [InlineData("read mdcr_el2", 1, "mdcr_el2 needs a nested VM")]
    [InlineData("events cpu_cycles 1 at el2", 1, "needs a nested VM")]
    [InlineData("write pmceid0 1", 1, "pmceid0 is read only")]
    [InlineData("write irq 1", 1, "irq is read only")]
    // bytes that are not text
    [InlineData("init\nrun\u0001", 2, "unexpected control character")]
    public void A_malformed_line_reports_its_file_line_and_reason(string text, int line, string reason)
    {
        var error = Should.Throw<ScenarioException>(() => ScenarioParser.Parse(text, "case.pmu"));
        error.Line.ShouldBe(line);
        error.SourceName.ShouldBe("case.pmu");
        error.Reason.ShouldContain(reason);
        error.Message.ShouldStartWith($"case.pmu:{line}: ");
    }

    [Fact]
    public void Nested_needs_profile_7_2_reported_for_the_whole_file()
    {
        var error = Should.Throw<ScenarioException>(() => ScenarioParser.Parse("profile 6.12\nvm nested=on\ninit\n", "n.pmu"));
        error.Line.ShouldBe(0);
        error.Message.ShouldBe("n.pmu: nested=on needs profile 7.2 (behaviour.md section 8)");
    }

    [Fact]
    public void TryParse_returns_the_error_instead_of_throwing()
    {
        ScenarioParser.TryParse("init\nbogus", "t.pmu", out var error).ShouldBeNull();
        error.ShouldNotBeNull().Line.ShouldBe(2);
        ScenarioParser.TryParse(Nested + "enter-hyp", "t.pmu", out error).ShouldNotBeNull();
        error.ShouldBeNull();
    }
}
