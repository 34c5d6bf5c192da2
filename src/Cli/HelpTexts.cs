namespace PmuConformance.Cli;

/// <summary>
/// What <c>--help</c> shows. A command's description is one line (the root help lists it);
/// <see cref="Details"/> is printed after the generated help of that command: how it behaves,
/// examples, exit codes.
/// </summary>
public static class HelpTexts
{
    public const string Root =
        "pmuconf: conformance suite for the Linux KVM arm64 PMU event filter (KVM_ARM_VCPU_PMU_V3_FILTER) and its guest-visible effects";

    public const string Replay = "Replay .pmu scenarios on a target and check every '->' expectation";

    public const string Explain = "Explain what a sequence of PMU event filters does (reference model, with rule ids and pitfalls)";

    /// <summary>The text after the generated help of a command (by name; the root is "pmuconf"), or null.</summary>
    public static string? Details(string command) => command switch
    {
        "pmuconf" => RootDetails,
        "replay" => ReplayDetails,
        "explain" => ExplainDetails,
        _ => null,
    };

    private const string RootDetails = """
        Rules are cited by their ids (B1, C2, F4a, ...) from shared/spec/behaviour.md; docs/cli.md
        describes the commands in full.

        Examples:
          pmuconf replay corpora/                  run every scenario and check its expectations
          pmuconf explain A:0x11-0x11              what does kvmtool's --pmu-filter "A:0x11-0x11" do?
          pmuconf <command> --help                 options, examples and exit codes of a command
        """;

    private const string ReplayDetails = """
        Each unmet expectation prints 'file:line: expected X, got Y'; a scenario error (a file that
        cannot be read or makes no sense) prints 'file:line: message' and the other files still run.
        Files a target cannot run are listed as skipped with the reason. The last line is a summary:
        'N passed, M failed' (then ', B blessed', ', E with scenario errors', ', K skipped' when non-zero).

        --bless rewrites only the expectation of step lines: '-> X' becomes '-> observed', a '-> ?'
        placeholder is filled; steps without '->' stay without (--bless-all adds one to every step that
        yields something). Comments, spacing and every other line stay byte-for-byte. Files with a
        scenario error are not rewritten.

        Examples:
          pmuconf replay corpora/
          pmuconf replay corpora/filter/ extra.pmu --target model
          pmuconf replay --bless new-case.pmu

        A file that checks nothing (no steps, no '->' expectation, an unfilled '-> ?' without --bless)
        is a scenario error. --junit FILE also writes JUnit XML, one test case per file.

        Exit codes:
          0  every expectation met (with --bless: every file passed or was rewritten)
          1  some expectation not met, or the target crashed on a scenario
          2  usage error (unknown option or target, missing path, no *.pmu found), a scenario error,
             a blessed file that could not be written, or a target that could not run at all
          4  nothing was checked: the target skipped every file
        """;

    private const string ExplainDetails = """
        The filters run on the reference model; the output shows each FILTER call's result and why
        (the rule that decides), the default policy, the allowed events, PMCEID0/PMCEID1 as the guest
        reads them, and warnings for the documented pitfalls.

        Filters, in the order the VMM installs them (through vCPU 0, before INIT), in either form:
          allow <base> <nevents>     deny <base> <nevents>     action=<byte> <base> <nevents>
              the half-open range [base, base + nevents), as the uAPI struct; base may be an event
              name (cpu_cycles, sw_incr, chain, ...)
          A:<first>-<last>           D:<first>-<last>
              kvmtool's --pmu-filter entries: an inclusive range
        Filters may follow each other or be separated by ',' or ';', in one argument or many.
        Numbers are decimal or 0x hex ('11' is eleven, even in the A:/D: form).

        Examples:
          pmuconf explain A:0x11-0x11
          pmuconf explain "A:0x11-0x11,D:0x0-0x3f"
          pmuconf explain allow 0x11 1 deny 0 0x40
          pmuconf explain "allow 0 0x10; deny 0 0x10"
          pmuconf explain allow 0x400 0x10 --host qemu-max --guest-pmuver imp
          pmuconf explain deny cpu_cycles 1 --profile 6.1 --host qemu-a57
          pmuconf explain allow 0 1 --host pmuver=v3p5,counters=6,pmceid0=0x20101,pmceid1=0

        Exit codes:
          0  the explanation was printed (even when some filter is refused: that is part of the answer)
          2  bad filter text (the message names the piece and what was expected) or a bad option
        """;
}
