using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary>The machine <c>pmuconf explain</c> runs the filters on.</summary>
/// <param name="GuestPmuVer">A PMUVer for <c>set-pmuver</c> after the filters, or null to keep the default (E3).</param>
public sealed record ExplainSetup(KernelProfile Profile, HostSpec Host, byte? GuestPmuVer = null);

/// <summary>The result of one FILTER call and why, in the words of behaviour.md.</summary>
public sealed record InstallResult(int Number, ParsedFilter Filter, Outcome Outcome, string Why);

/// <summary>A documented pitfall that applies to these filters; <see cref="Rules"/> are behaviour.md ids.</summary>
public sealed record FilterWarning(string Rules, string Text);

/// <summary>What a sequence of filters does, as the reference model computes it.</summary>
public sealed record Explanation(
    string Machine,
    IReadOnlyList<InstallResult> Installs,
    string? GuestPmuVerResult,
    string DefaultPolicy,
    string Allowed,
    string Pmceid0,
    string Pmceid1,
    IReadOnlyList<FilterWarning> Warnings)
{
    public void Write(TextWriter output)
    {
        output.WriteLine(Machine);
        output.WriteLine();
        output.WriteLine(Installs.Count == 0 ? "filters: none given" : "filters (through vcpu 0, before init, in order):");
        foreach (var install in Installs)
        {
            output.WriteLine($"  {install.Number}. {install.Filter.Display}: {install.Outcome}: {install.Why}");
        }
        if (GuestPmuVerResult is not null)
        {
            output.WriteLine(GuestPmuVerResult);
        }
        output.WriteLine();
        output.WriteLine($"default: {DefaultPolicy}");
        output.WriteLine($"allowed: {Allowed}");
        output.WriteLine();
        output.WriteLine("the guest reads (after init and run):");
        output.WriteLine($"  PMCEID0 = {Pmceid0}");
        output.WriteLine($"  PMCEID1 = {Pmceid1}");
        if (Warnings.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("warnings:");
            foreach (var warning in Warnings)
            {
                output.WriteLine($"  [{warning.Rules}] {warning.Text}");
            }
        }
    }
}

/// <summary>
/// Answers "what does my filter do?": installs the filters on the reference model through vCPU 0,
/// sets the guest PMUVer if asked, inits, runs and reads PMCEID0/1 as the guest would. Every
/// result comes from the model (<see cref="ModelVm"/>); this class only words it and points at
/// the documented pitfalls that apply (behaviour.md section 12).
/// </summary>
public static class FilterExplainer
{
    private static readonly ReadStep ReadPmceid0 = new(0, Register.Pmceid0);
    private static readonly ReadStep ReadPmceid1 = new(0, Register.Pmceid1);

    public static Explanation Explain(ExplainSetup setup, IReadOnlyList<ParsedFilter> filters)
    {
        var machine = new Setup(setup.Profile, setup.Host, new VmSpec());
        var trace = new RuleTrace();
        var vm = new ModelVm(machine, trace);
        var space = EventSpace.FilterSpace(machine.ProfileRules, setup.Host);

        var installs = new List<InstallResult>();
        foreach (var filter in filters)
        {
            trace.Clear();
            var outcome = vm.Apply(filter.Step);
            installs.Add(new InstallResult(installs.Count + 1, filter, outcome, WhyInstall(filter.Step, outcome, trace.Cited, space, installs)));
        }

        string? pmuVerResult = null;
        if (setup.GuestPmuVer is { } requested)
        {
            trace.Clear();
            var outcome = vm.Apply(new SetPmuVerStep(0, requested));
            pmuVerResult = $"set-pmuver {PmuVersion.Format(requested)}: {outcome}{(outcome == Outcome.Ok ? "" : ": " + WhyPmuVer(setup, outcome))} (E3)";
        }
        var guestPmuVer = vm.GuestPmuVer;
        var guestMask = vm.GuestEventMask;
        var withFilter = GuestPmceid(vm);
        var withoutFilter = GuestPmceid(NoFilterVm(machine, setup.GuestPmuVer));

        var successful = installs.Where(i => i.Outcome == Outcome.Ok).ToList();
        var host = setup.Host;
        var header = $"profile {KernelProfiles.Name(setup.Profile)}, host {ScenarioPrinter.HostText(host)} (PMUVer {PmuVersion.Format(host.PmuVer)}, "
            + $"{host.Counters} counters, PMCEID0 {Numbers.Hex(host.Pmceid0)}, PMCEID1 {Numbers.Hex(host.Pmceid1)})\n"
            + $"guest PMUVer {PmuVersion.Format(guestPmuVer)}: event numbers masked to {Numbers.Hex(guestMask)} (E2)\n"
            + $"filter space: {Range(0, space - 1)}, {space} events (F9)";
        return new Explanation(
            header,
            installs,
            pmuVerResult,
            DefaultPolicy(vm.Filter, successful),
            AllowedText(vm.Filter, space),
            PmceidText(withFilter.Pmceid0, withoutFilter.Pmceid0, 0, vm.Filter is not null, withFilter.Failure),
            PmceidText(withFilter.Pmceid1, withoutFilter.Pmceid1, 0x20, vm.Filter is not null, withFilter.Failure),
            Warnings(vm, space, guestMask, successful, withFilter, withoutFilter));
    }

    // ------------------------------------------------------------------ running the model

    /// <summary>What the guest reads, or why it cannot read (a failing init or run).</summary>
    private sealed record GuestView(Outcome? Pmceid0, Outcome? Pmceid1, string? Failure);

    private static GuestView GuestPmceid(ModelVm vm)
    {
        foreach (Step step in new Step[] { new InitStep(0), new RunStep(0) })
        {
            var outcome = vm.Apply(step);
            if (outcome != Outcome.Ok)
            {
                return new GuestView(null, null, $"{ScenarioPrinter.StepText(step)} -> {outcome}");
            }
        }
        return new GuestView(vm.Apply(ReadPmceid0), vm.Apply(ReadPmceid1), null);
    }

    private static ModelVm NoFilterVm(Setup machine, byte? guestPmuVer)
    {
        var vm = new ModelVm(machine, new RuleTrace());
        if (guestPmuVer is { } v)
        {
            vm.Apply(new SetPmuVerStep(0, v));
        }
        return vm;
    }

    // ------------------------------------------------------------------ wording the results

    private static string WhyInstall(FilterStep step, Outcome outcome, IReadOnlySet<string> rules, uint space, List<InstallResult> earlier)
    {
        var end = (uint)step.Base + step.Count;
        if (outcome == Outcome.Ok)
        {
            var why = "installed (F6)";
            if (rules.Contains("B1"))
            {
                var policy = step.Action == FilterStep.Allow ? "deny" : "allow";
                why += $"; first filter: creates the bitmap with default {policy}, the opposite of its action (B1)";
            }
            if (rules.Contains("F7"))
            {
                why += "; an empty range still creates the filter (F7)";
            }
            if (step.Count > 0)
            {
                why += $"; {(step.Action == FilterStep.Allow ? "allows" : "denies")} {Range(step.Base, end - 1)} (B2)";
            }
            return why;
        }
        var reasons = new List<string>();
        if (rules.Contains("F1"))
        {
            reasons.Add("the vCPU has no PMUv3: the host offers none to guests (F1)");
        }
        if (rules.Contains("F2"))
        {
            reasons.Add("this vCPU has already done INIT (F2)");
        }
        if (rules.Contains("F4a") && end > space)
        {
            reasons.Add($"the range {Numbers.Hex(step.Base)} + {step.Count} ends at {Numbers.Hex(end)}, past the {space}-event filter space (F4, F4a)");
        }
        if (rules.Contains("F4b"))
        {
            reasons.Add($"action {step.Action} is neither allow (0) nor deny (1), whatever the range (F4, F4b)");
        }
        if (rules.Contains("F5"))
        {
            reasons.Add("a vCPU of the VM has already run (F5)");
        }
        if (reasons.Count == 0)
        {
            reasons.Add("rules " + string.Join(", ", rules.Order(StringComparer.Ordinal)));
        }
        var unchanged = earlier.Any(i => i.Outcome == Outcome.Ok)
            ? "the filter is unchanged (F8)"
            : "no filter is created (F8)";
        return string.Join("; ", reasons) + "; " + unchanged;
    }

    private static string WhyPmuVer(ExplainSetup setup, Outcome outcome) => outcome switch
    {
        _ when ProfileRules.Of(setup.Profile).GuestPmuVer == GuestPmuVerPolicy.FixedAtMinOfHostAndV3P4 => $"profile {KernelProfiles.Name(setup.Profile)} accepts only the current value",
        { Kind: OutcomeKind.Errno, AsErrno: Errno.EINVAL } => "a guest PMUVer above the host limit is refused",
        _ => "refused",
    };

    private static string DefaultPolicy(EventFilter? filter, List<InstallResult> successful)
    {
        if (filter is null)
        {
            return "none: no filter was installed, so every event counts and PMCEID shows the host's events (B4, B5)";
        }
        var first = successful[0];
        var policy = first.Filter.Step.Action == FilterStep.Allow ? "deny" : "allow";
        return $"{policy} (set once by the first successful filter, {first.Number}. {first.Filter.Text}: B1)";
    }

    private static string AllowedText(EventFilter? filter, uint space)
    {
        if (filter is null)
        {
            return $"every event ({Range(0, space - 1)}): no filter";
        }
        var ranges = AllowedRanges(filter, space);
        if (ranges.Count == 0)
        {
            return "none (every event is denied)";
        }
        var count = ranges.Sum(r => (long)r.Last - r.First + 1);
        return string.Join(", ", ranges.Select(r => Range(r.First, r.Last))) + $" ({count} of {space} events)";
    }

    /// <summary>The allowed events of the filter space as maximal inclusive ranges.</summary>
    public static IReadOnlyList<(uint First, uint Last)> AllowedRanges(EventFilter filter, uint space)
    {
        var ranges = new List<(uint, uint)>();
        uint? start = null;
        for (uint e = 0; e <= space; e++)
        {
            var allowed = e < space && filter.Allows(e);
            if (allowed && start is null)
            {
                start = e;
            }
            else if (!allowed && start is { } s)
            {
                ranges.Add((s, e - 1));
                start = null;
            }
        }
        return ranges;
    }

    private static string PmceidText(Outcome? value, Outcome? unfiltered, uint firstEvent, bool hasFilter, string? failure)
    {
        if (value is not { } read)
        {
            return $"not readable: the guest never runs ({failure})";
        }
        if (read.Kind != OutcomeKind.Value)
        {
            return $"{read} (the guest's PMU registers are not accessible: E3)";
        }
        if (!hasFilter || unfiltered is not { Kind: OutcomeKind.Value } without)
        {
            return Numbers.Hex(read.Value);
        }
        var hidden = without.Value & ~read.Value;
        var text = $"{Numbers.Hex(read.Value)} (without the filter {Numbers.Hex(without.Value)}";
        return hidden == 0
            ? text + "; nothing hidden)"
            : text + $"; hidden: {string.Join(", ", Bits(hidden).Select(b => EventName(PmceidEvent(firstEvent, b))))})";
    }

    /// <summary>P1: bit k of PMCEID0/1 is event base + k, bit 32 + k is event 0x4000 + base + k.</summary>
    private static uint PmceidEvent(uint firstEvent, int bit) =>
        bit < 32 ? firstEvent + (uint)bit : 0x4000 + firstEvent + (uint)(bit - 32);

    private static IEnumerable<int> Bits(ulong value) => Enumerable.Range(0, 64).Where(b => (value >> b & 1) != 0);

    private static string EventName(uint e)
    {
        var name = e <= ushort.MaxValue ? Events.Format((ushort)e) : Numbers.Hex(e);
        return name.StartsWith("0x", StringComparison.Ordinal) ? name : $"{Numbers.Hex(e)} {name.ToUpperInvariant()}";
    }

    private static string Range(uint first, uint last) =>
        first == last ? Numbers.Hex(first) : $"{Numbers.Hex(first)}-{Numbers.Hex(last)}";

    // ------------------------------------------------------------------ the pitfalls

    private static List<FilterWarning> Warnings(
        ModelVm vm, uint space, ushort guestMask, List<InstallResult> successful, GuestView withFilter, GuestView withoutFilter)
    {
        var warnings = new List<FilterWarning>();
        var filter = vm.Filter;
        if (guestMask == 0 && vm.HasPmu)
        {
            warnings.Add(vm.Profile.PmuVerZeroHidesPmu
                ? new FilterWarning("E3", "the guest PMUVer is 0: every guest access to a PMU register is UNDEFINED, so the guest sees no PMU at all.")
                : new FilterWarning("E1, E2", "the guest's event mask is 0: every event number the guest programs selects SW_INCR."));
        }
        if (filter is null)
        {
            return warnings;
        }
        if (!filter.Allows(Events.CpuCycles))
        {
            warnings.Add(new FilterWarning("C2",
                "CPU_CYCLES (0x11) is not allowed: the cycle counter PMCCNTR stops counting, and so does any "
                + "event counter programmed with 0x11. Allow 0x11 to keep the cycle counter."));
        }
        warnings.AddRange(ExemptEventWarnings(filter, withFilter, withoutFilter));
        warnings.AddRange(CancellingWarnings(filter, space, successful));
        if (guestMask < space - 1)
        {
            foreach (var install in successful.Where(i => (uint)i.Filter.Step.Base + i.Filter.Step.Count > guestMask + 1u))
            {
                var step = install.Filter.Step;
                var first = Math.Max(step.Base, guestMask + 1u);
                warnings.Add(new FilterWarning("F9, E2",
                    $"filter {install.Number} ({install.Filter.Text}) covers {Range(first, (uint)step.Base + step.Count - 1)}, beyond the "
                    + $"guest's event numbers (0x0-{Numbers.Hex(guestMask)}): accepted because the filter space follows the host (F9), "
                    + $"but never consulted, since every guest event number is masked to {Numbers.Hex(guestMask)} first (E2); "
                    + $"a guest programming {Numbers.Hex(guestMask + 1u + Events.CpuCycles)} selects {Numbers.Hex((guestMask + 1u + Events.CpuCycles) & guestMask)}."));
            }
        }
        if (guestMask + 1u < 0x4000 + 64)
        {
            var lost = HighHalves(withoutFilter);
            warnings.Add(new FilterWarning("P4",
                $"with any filter, a guest whose event numbers stop at {Numbers.Hex(guestMask)} reads 0 in the high halves of "
                + "PMCEID0/PMCEID1 (events 0x4000-0x403f), even for allowed events"
                + (lost == 0 ? " (this host implements none of them, so nothing is lost here)." : $"; without a filter it would see the host's bits there ({lost} bit{(lost == 1 ? "" : "s")}).")));
        }
        if (AllowedRanges(filter, space) is [(0, var last)] && last == space - 1)
        {
            warnings.Add(new FilterWarning("B4",
                "the filter allows every event but still exists: unlike no filter, it masks PMCEID (P4) and makes SET_PMU "
                + "to another PMU EBUSY (L3)."));
        }
        return warnings;
    }

    /// <summary>How many bits of events 0x4000 and up (the high halves) a guest view shows.</summary>
    private static int HighHalves(GuestView view) =>
        new[] { view.Pmceid0, view.Pmceid1 }.Sum(o => o is { Kind: OutcomeKind.Value } v ? System.Numerics.BitOperations.PopCount(v.Value >> 32) : 0);

    /// <summary>C6, C7, P4: SW_INCR and CHAIN never consult the filter, but their PMCEID0 bits do.</summary>
    private static IEnumerable<FilterWarning> ExemptEventWarnings(EventFilter filter, GuestView withFilter, GuestView withoutFilter)
    {
        var denied = new List<(string Name, string Rule, bool ShownWithoutFilter)>();
        foreach (var (e, name, rule) in new[] { (Events.SwIncr, "SW_INCR (0x0)", "C6"), (Events.Chain, "CHAIN (0x1e)", "C7") })
        {
            if (!filter.Allows(e))
            {
                var shown = withoutFilter.Pmceid0 is { Kind: OutcomeKind.Value } before && (before.Value >> e & 1) != 0;
                denied.Add((name, rule, shown));
            }
        }
        if (denied.Count == 0)
        {
            yield break;
        }
        var both = denied.Count == 2;
        var counting = both
            ? "counters programmed with them still count (PMSWINC writes: C6; overflow of the even neighbour: C7)"
            : denied[0].Rule == "C6" ? "counters programmed with it still count on PMSWINC writes (C6)"
            : "counters programmed with it still count when the even neighbour overflows (C7)";
        var text = $"{string.Join(" and ", denied.Select(d => d.Name))} {(both ? "are" : "is")} not allowed, yet {counting}: "
            + $"the filter only makes {(both ? "them" : "it")} disappear from PMCEID0 (P4).";
        var neverShown = denied.Where(d => !d.ShownWithoutFilter).Select(d => d.Name.Split(' ')[0]).ToList();
        if (neverShown.Count > 0)
        {
            text += $" (Without the filter, PMCEID0 would not show {string.Join(" or ", neverShown)} on this profile and host either.)";
        }
        yield return new FilterWarning(string.Join(", ", denied.Select(d => d.Rule)) + ", P4", text);
    }

    /// <summary>B3: a later filter of the opposite action over all of an earlier one's events is not an undo.</summary>
    private static IEnumerable<FilterWarning> CancellingWarnings(EventFilter filter, uint space, List<InstallResult> successful)
    {
        if (successful.Count == 0)
        {
            yield break;
        }
        var defaultAllow = successful[0].Filter.Step.Action == FilterStep.Deny;
        for (var later = 1; later < successful.Count; later++)
        {
            var step = successful[later].Filter.Step;
            foreach (var earlier in successful.Take(later))
            {
                var before = earlier.Filter.Step;
                var first = Math.Max(step.Base, before.Base);
                var end = Math.Min((uint)step.Base + step.Count, (uint)before.Base + before.Count);
                // Only a reversal of the whole earlier range looks like an undo; carving a hole in
                // an earlier range (kvmtool's own example, A:0x23-0x3a then D:0x30-0x30) is ordinary use.
                var coversEarlier = before.Count > 0 && first == before.Base && end == (uint)before.Base + before.Count;
                if (before.Action == step.Action || !coversEarlier)
                {
                    continue;
                }
                var overlap = Range(first, end - 1);
                var defaultName = defaultAllow ? "allow" : "deny";
                var consequence = defaultAllow == (step.Action == FilterStep.Allow)
                    ? $"the filter stays installed with its default ({defaultName}), so the VM does not go back to having no filter"
                    : $"{overlap} {(first + 1 == end ? "is" : "are")} now {(step.Action == FilterStep.Allow ? "allowed" : "denied")}, not back to the default ({defaultName})";
                var everything = AllowedRanges(filter, space).Count == 0 ? " The filter now denies every event." : "";
                yield return new FilterWarning("B3",
                    $"filter {successful[later].Number} ({successful[later].Filter.Text}) reverses filter {earlier.Number} "
                    + $"({earlier.Filter.Text}) on {overlap}. That is not an undo: {consequence}.{everything}");
            }
        }
    }
}
