namespace PmuConformance.Properties.Cli;

/// <summary>pmuconf explain: results from the reference model, and one test per documented pitfall.</summary>
public class ExplainCommandTests
{
    private static CliResult Explain(params string[] args) => CliResult.Run(["explain", .. args]);

    private static string[] Warnings(CliResult result) =>
        result.OutputLines.SkipWhile(l => l != "warnings:").Skip(1).ToArray();

    [Fact]
    public void Kvmtool_allow_cycles_only_reads_pmceid0_0x20000_and_warns_about_sw_incr_and_chain()
    {
        var result = Explain("A:0x11-0x11");
        result.ExitCode.ShouldBe(0);
        result.Output.ShouldContain("profile 7.2, host qemu-max");
        result.OutputLines.ShouldContain(l => l.StartsWith("  1. A:0x11-0x11 (allow 0x11 1): ok: ", StringComparison.Ordinal));
        result.OutputLines.ShouldContain(l => l.StartsWith("default: deny", StringComparison.Ordinal));
        result.OutputLines.ShouldContain("allowed: 0x11 (1 of 65536 events)");
        result.OutputLines.ShouldContain(l => l.StartsWith("  PMCEID0 = 0x20000 ", StringComparison.Ordinal));
        var warning = Warnings(result).ShouldHaveSingleItem();
        warning.ShouldStartWith("  [C6, C7, P4] SW_INCR (0x0) and CHAIN (0x1e) are not allowed");
        warning.ShouldContain("disappear from PMCEID0");
    }

    [Fact]
    public void The_word_form_and_the_kvmtool_form_mean_the_same()
    {
        string Allowed(params string[] args) => Explain(args).OutputLines.Single(l => l.StartsWith("allowed:", StringComparison.Ordinal));
        var expected = "allowed: 0x40-0xffff (65472 of 65536 events)";
        Allowed("deny", "0", "0x40", "allow", "0x11", "1", "deny", "0x11", "1").ShouldBe(expected);
        Allowed("D:0x0-0x3f,A:0x11-0x11;D:17-17").ShouldBe(expected);
        Allowed("deny 0 64, allow cpu_cycles 1;", "filter deny 0x11 1").ShouldBe(expected);
    }

    [Fact]
    public void Ranges_are_listed_over_the_filter_space()
    {
        Explain("deny", "0x11", "1").OutputLines.ShouldContain("allowed: 0x0-0x10, 0x12-0xffff (65535 of 65536 events)");
        Explain().OutputLines.ShouldContain("allowed: every event (0x0-0xffff): no filter");
    }

    [Fact]
    public void Denying_or_not_allowing_cpu_cycles_warns_that_the_cycle_counter_stops()
    {
        Warnings(Explain("deny", "0x11", "1")).ShouldContain(w => w.StartsWith("  [C2] CPU_CYCLES (0x11) is not allowed", StringComparison.Ordinal));
        Warnings(Explain("A:0x8-0x8")).ShouldContain(w => w.StartsWith("  [C2]", StringComparison.Ordinal));
        Warnings(Explain("A:0x11-0x11")).ShouldNotContain(w => w.StartsWith("  [C2]", StringComparison.Ordinal));
        Warnings(Explain("deny", "0x12", "1")).ShouldBeEmpty();
    }

    [Fact]
    public void Denying_only_chain_warns_about_chain_only()
    {
        var warning = Warnings(Explain("D:0x1e-0x1e")).ShouldHaveSingleItem();
        warning.ShouldStartWith("  [C7, P4] CHAIN (0x1e) is not allowed");
    }

    [Fact]
    public void On_6_1_chain_is_not_in_pmceid0_to_begin_with()
    {
        var warning = Warnings(Explain("D:0x1e-0x1e", "--profile", "6.1")).ShouldHaveSingleItem();
        warning.ShouldContain("PMCEID0 would not show CHAIN on this profile and host either");
    }

    [Fact]
    public void Cancelling_does_not_restore_the_default()
    {
        var result = Explain("allow", "0x11", "1", "deny", "0x11", "1");
        result.OutputLines.ShouldContain("allowed: none (every event is denied)");
        var b3 = Warnings(result).Single(w => w.StartsWith("  [B3]", StringComparison.Ordinal));
        b3.ShouldContain("filter 2 (deny 0x11 1) reverses filter 1 (allow 0x11 1) on 0x11");
        b3.ShouldContain("The filter now denies every event.");

        var reAllowed = Warnings(Explain("allow 0 0x40; deny 0x11 1; allow 0x11 1")).Where(w => w.StartsWith("  [B3]", StringComparison.Ordinal)).ToList();
        var b3Again = reAllowed.ShouldHaveSingleItem(); // filter 2 only carves a hole in filter 1: ordinary use
        b3Again.ShouldContain("filter 3 (allow 0x11 1) reverses filter 2 (deny 0x11 1) on 0x11");
        b3Again.ShouldContain("0x11 is now allowed, not back to the default (deny)");
        Warnings(Explain("A:0x23-0x3a,D:0x30-0x30")).ShouldNotContain(w => w.Contains("[B3]"));
        Warnings(Explain("allow", "0", "0x10", "deny", "0x10", "1")).ShouldNotContain(w => w.Contains("[B3]"));
    }

    [Fact]
    public void Ranges_past_a_10_bit_guest_are_accepted_but_never_consulted()
    {
        var result = Explain("allow", "0x11", "1", "allow", "0x400", "0x10", "--guest-pmuver", "imp");
        result.Output.ShouldContain("guest PMUVer imp: event numbers masked to 0x3ff");
        result.OutputLines.ShouldContain(l => l.StartsWith("  2. allow 0x400 0x10: ok", StringComparison.Ordinal));
        var warning = Warnings(result).Single(w => w.StartsWith("  [F9, E2]", StringComparison.Ordinal));
        warning.ShouldContain("filter 2 (allow 0x400 0x10) covers 0x400-0x40f");
        Warnings(Explain("allow", "0x400", "0x10")).ShouldNotContain(w => w.Contains("[F9, E2]"));
    }

    [Fact]
    public void A_10_bit_guest_with_a_filter_reads_0_in_the_pmceid_high_halves()
    {
        var high = new[] { "--host", "pmuver=v3p5,counters=6,pmceid0=0x100020101,pmceid1=0", "--guest-pmuver", "imp" };
        var result = Explain(["deny", "0x8", "1", .. high]);
        Warnings(result).ShouldContain(w => w.StartsWith("  [P4] with any filter", StringComparison.Ordinal) && w.Contains("(1 bit)"));
        result.OutputLines.ShouldContain(l => l.StartsWith("  PMCEID0 = 0x40020001 (without the filter 0x140020101", StringComparison.Ordinal));

        Warnings(Explain(["deny", "0x8", "1", .. high[..2]])).ShouldNotContain(w => w.Contains("[P4] with any filter"));
        Warnings(Explain(high)).ShouldBeEmpty(); // no filter, no masking
    }

    [Fact]
    public void Refused_filters_say_which_rule_refused_them()
    {
        var result = Explain("allow", "0xffff", "2", "action=3", "0", "0", "allow", "0x3ff", "1", "--host", "qemu-a57", "--profile", "6.12");
        result.ExitCode.ShouldBe(0);
        var lines = result.OutputLines;
        lines.ShouldContain(l => l.StartsWith("  1. allow 0xffff 2: EINVAL: ", StringComparison.Ordinal)
            && l.Contains("ends at 0x10001, past the 1024-event filter space (F4, F4a)"));
        lines.ShouldContain(l => l.StartsWith("  2. action=3 0 0: EINVAL: action 3 is neither allow (0) nor deny (1)", StringComparison.Ordinal)
            && l.Contains("(F4, F4b)") && l.Contains("(F8)"));
        lines.ShouldContain(l => l.StartsWith("  3. allow 0x3ff 1: ok", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("default: deny (set once by the first successful filter, 3.", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_first_filter_creates_a_default_deny_filter()
    {
        var result = Explain("allow", "0", "0");
        result.OutputLines.ShouldContain(l => l.Contains("an empty range still creates the filter (F7)"));
        result.OutputLines.ShouldContain("allowed: none (every event is denied)");
        result.OutputLines.ShouldContain(l => l.StartsWith("  PMCEID0 = 0x0 ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("A:0x11", "'A:0x11': expected a range <first>-<last> after 'A:'")]
    [InlineData("X:1-2", "'X:1-2': the action before ':' must be A (allow) or D (deny)")]
    [InlineData("A:0x20-0x10", "'A:0x20-0x10': the last event 0x10 is below the first 0x20")]
    [InlineData("A:0-0xffff", "'A:0-0xffff': 65536 events do not fit the 16-bit nevents field")]
    [InlineData("A:0x11-zz", "'A:0x11-zz': the last event 'zz' is not a number")]
    [InlineData("A:-5", "'A:-5': the first event is missing")]
    [InlineData("A:0x10000-0x10000", "'A:0x10000-0x10000': the first event '0x10000' is not a number from 0 to 0xffff")]
    [InlineData("allow 0x11", "the text ends where <nevents> after 'allow 0x11'")]
    [InlineData("allow, 0x11 1", "',' where <base> after 'allow'")]
    [InlineData("permit 0x11 1", "'permit': expected a filter (allow|deny|action=<byte> <base> <nevents>, or kvmtool's A:<first>-<last>")]
    [InlineData("deny 0x11 0x10000", "nevents '0x10000' is not a number from 0 to 0xffff")]
    [InlineData("action=256 0 1", "'action=256': the action must be a byte")]
    public void Bad_filter_text_names_the_piece_and_what_was_expected(string text, string message)
    {
        var result = Explain(text);
        result.ExitCode.ShouldBe(2);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldStartWith("pmuconf explain: bad filter text: ");
        result.Error.ShouldContain(message);
    }

    [Theory]
    [InlineData("--profile", "5.10", "--profile: '5.10' is not a profile")]
    [InlineData("--host", "qemu-max3", "--host 'qemu-max3': unknown host preset 'qemu-max3'")]
    [InlineData("--host", "pmuver=v3p5,counters=6", "--host 'pmuver=v3p5,counters=6': host needs a preset or pmceid0=")]
    [InlineData("--guest-pmuver", "v9", "--guest-pmuver: 'v9' is not a PMUVer")]
    public void Bad_options_are_usage_errors(string option, string value, string message)
    {
        var result = Explain("A:0x11-0x11", option, value);
        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain(message);
    }

    [Fact]
    public void A_refused_guest_pmuver_is_reported()
    {
        Explain("A:0x11-0x11", "--guest-pmuver", "imp", "--profile", "6.1").OutputLines
            .ShouldContain(l => l.StartsWith("set-pmuver imp: EINVAL", StringComparison.Ordinal));
    }

    [Fact]
    public void A_guest_without_pmu_registers_reads_undef_and_says_why()
    {
        var result = Explain("A:0x11-0x11", "--guest-pmuver", "none");
        result.OutputLines.ShouldContain("  PMCEID0 = undef (the guest's PMU registers are not accessible: E3)");
        Warnings(result).ShouldContain(w => w.StartsWith("  [E3] the guest PMUVer is 0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_host_without_pmu_refuses_every_filter_with_enodev()
    {
        var result = Explain("deny", "0x11", "1", "--host", "pmuver=impdef,counters=6,pmceid0=0,pmceid1=0");
        result.OutputLines.ShouldContain(l => l.StartsWith("  1. deny 0x11 1: ENODEV: the vCPU has no PMUv3", StringComparison.Ordinal));
        result.OutputLines.ShouldContain(l => l.StartsWith("  PMCEID0 = not readable: the guest never runs (init -> ENODEV)", StringComparison.Ordinal));
    }
}
