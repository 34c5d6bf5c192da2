using System.Text;
using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties.Mutation;

/// <summary>
/// Scenarios for corners of the emulator that the seeded and generated differential scenarios
/// reached too rarely to notice a change there: each was found by a surviving Stryker mutant
/// (docs/mutation.md) and each expectation is checked on the model and on the emulator, so a
/// scenario also pins what the model says.
/// </summary>
public sealed class EmulatorGapTests
{
    /// <summary>O1: with PMCR.LC the cycle counter overflows at 64 bits, so passing 2^32 sets no overflow bit.</summary>
    [Fact]
    public void Cycle_counter_with_lc_does_not_overflow_at_32_bits() => BothMeet("""
        init                        -> ok
        run                         -> ok
        write pmccfiltr 0           -> ok
        write pmccntr 0xffffffff    -> ok
        write pmovsclr 0xffffffff   -> ok
        write pmcntenset 0x80000000 -> ok
        write pmcr 0x41             -> ok
        events cpu_cycles 1 at el1
        read pmccntr                -> 0x100000000
        read pmovsset               -> 0
        """);

    /// <summary>
    /// C7: two even counters overflow on the same event; the first CHAIN neighbour wraps in turn,
    /// and the second feeder still increments its own neighbour.
    /// </summary>
    [Fact]
    public void Two_feeders_overflowing_together_both_increment_their_chain_neighbours() => BothMeet("""
        init                        -> ok
        run                         -> ok
        write pmevtyper0 0x8        -> ok
        write pmevtyper1 0x1e       -> ok
        write pmevtyper2 0x8        -> ok
        write pmevtyper3 0x1e       -> ok
        write pmevcntr0 0xffffffff  -> ok
        write pmevcntr1 0xffffffff  -> ok
        write pmevcntr2 0xffffffff  -> ok
        write pmevcntr3 0           -> ok
        write pmovsclr 0xffffffff   -> ok
        write pmcntenset 0xf        -> ok
        write pmcr 0x1              -> ok
        events inst_retired 1 at el1
        read pmevcntr1              -> 0x100000000
        read pmevcntr3              -> 1
        read pmovsset               -> 0x7
        """);

    /// <summary>C7: only an even counter feeds its odd neighbour; an odd counter's overflow never reaches a CHAIN counter above it.</summary>
    [Fact]
    public void An_odd_counter_does_not_feed_a_chain_counter() => BothMeet("""
        init                        -> ok
        run                         -> ok
        write pmevtyper1 0x8        -> ok
        write pmevtyper2 0x1e       -> ok
        write pmevcntr1 0xffffffff  -> ok
        write pmevcntr2 0           -> ok
        write pmovsclr 0xffffffff   -> ok
        write pmcntenset 0x6        -> ok
        write pmcr 0x1              -> ok
        events inst_retired 1 at el1
        read pmevcntr2              -> 0
        read pmovsset               -> 0x2
        """);

    /// <summary>
    /// C7 with N1/C3: a hyp counter counts with MDCR_EL2.HPME while PMCR.E is clear, but its
    /// overflow reaches a CHAIN neighbour only when PMCR.E is set.
    /// </summary>
    [Fact]
    public void Chain_needs_pmcr_e_even_when_hpme_counts_the_feeder() => BothMeet("""
        vm vcpus=1 nested=on el2=on
        init                        -> ok
        run                         -> ok
        write mdcr_el2 0x82         -> ok
        write pmevtyper2 0x08000008 -> ok
        write pmevtyper3 0x1e       -> ok
        write pmevcntr2 0xffffffff  -> ok
        write pmevcntr3 0           -> ok
        write pmcntenset 0xc        -> ok
        events inst_retired 1 at el2
        read pmevcntr2              -> 0x100000000
        read pmevcntr3              -> 0
        """);

    /// <summary>
    /// U1, L2, N2: SET_NR_COUNTERS after the run is refused (the intended rule; the Debian 7.2
    /// kernel accepts it: deviation KD1, which the emulator does not copy), and the loaded vCPU keeps
    /// counting with hardware bits for the context it is in now (here outside vEL2, where its P bit
    /// excludes EL1), not the one of the last time it was programmed.
    /// </summary>
    [Fact]
    public void Set_nr_counters_after_the_run_is_refused_and_the_loaded_vcpu_keeps_its_context() => BothMeet("""
        vm vcpus=2 nested=on el2=on
        init                         -> ok
        run                          -> ok
        write pmevtyper3 0x88000008  -> ok
        write pmevcntr3 0            -> ok
        write pmcntenset 0x8         -> ok
        write pmcr 0x1               -> ok
        vcpu 1: set-nr-counters 2    -> EBUSY
        exit-hyp
        events inst_retired 5 at el1
        vcpu 1: set-nr-counters 6    -> EBUSY
        events inst_retired 7 at el1
        read pmevcntr3               -> 0
        """);

    /// <summary>
    /// C1, C5: 31 event counters and the cycle counter on 32 distinct events, the most the
    /// hardware's event index ever holds; counting still reaches the right counter after the
    /// index is rebuilt from full.
    /// </summary>
    [Fact]
    public void Thirty_two_distinct_events_count_before_and_after_reprogramming()
    {
        var text = new StringBuilder("""
            host pmuver=v3p5 counters=31 pmceid0=0x20101 pmceid1=0
            init                        -> ok
            run                         -> ok

            """);
        for (var i = 0; i < 31; i++)
        {
            text.AppendLine($"write pmevtyper{i} 0x{0x20 + i:x} -> ok");
        }
        text.AppendLine("""
            write pmccfiltr 0           -> ok
            write pmcntenset 0xffffffff -> ok
            write pmcr 0x7              -> ok
            events 0x25 3 at el1
            read pmevcntr5              -> 3
            write pmevtyper0 0x40       -> ok
            events 0x40 2 at el0
            events 0x3e 4 at el1
            read pmevcntr0              -> 2
            read pmevcntr30             -> 4
            read pmevcntr5              -> 3
            """);
        BothMeet(text.ToString());
    }

    /// <summary>Profile 7.2 only (behaviour.md section 10): the emulator's VM refuses another profile's set-up outright.</summary>
    [Fact]
    public void The_emulator_vm_refuses_other_profiles()
    {
        var setup = ScenarioParser.Parse("profile 6.12\ninit -> ok\n", "profile.pmu").Setup;
        Should.Throw<ArgumentException>(() => EmulatorTarget.CreateVm(setup)).Message.ShouldContain("7.2");
    }

    private static void BothMeet(string text)
    {
        var scenario = ScenarioParser.Parse(text, "gap.pmu");
        foreach (var target in new ITarget[] { new ModelTarget(), new EmulatorTarget() })
        {
            var execution = target.Execute(scenario);
            execution.Error.ShouldBeNull($"{target.Name}: {execution.Error?.Message}");
            ExpectationCheck.Mismatches(scenario, execution).ShouldBeEmpty(target.Name);
        }
    }
}
