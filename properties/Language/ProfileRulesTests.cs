using PmuConformance.Properties.Corpus;
using PmuConformance.Scenarios;
using Shouldly;
using Xunit;

namespace PmuConformance.Properties.Language;

/// <summary>
/// The profile records (<see cref="ProfileRules"/>) hold behaviour.md section 10's table: each test
/// reads one row of the table as the spec states it and checks the records say the same, so the
/// data cannot drift from the text silently.
/// </summary>
public sealed class ProfileRulesTests
{
    private static readonly KernelProfile[] Columns = [KernelProfile.V6_1, KernelProfile.V6_12, KernelProfile.V7_2];

    /// <summary>The cells of the section 10 row whose first cell starts with <paramref name="rule"/>, in column order.</summary>
    private static string[] Row(string rule)
    {
        var text = File.ReadAllText(RepositoryFiles.BehaviourSpec);
        var section = text[text.IndexOf("## 10. Profiles", StringComparison.Ordinal)..text.IndexOf("## 11.", StringComparison.Ordinal)];
        var line = section.Split('\n').Single(l => l.StartsWith("| " + rule, StringComparison.Ordinal));
        var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
        cells.Length.ShouldBe(4, $"row {rule}: {line}");
        return cells[1..];
    }

    private static void EachColumn(string rule, Action<string, ProfileRules> check)
    {
        var cells = Row(rule);
        for (var i = 0; i < Columns.Length; i++)
        {
            check(cells[i], ProfileRules.Of(Columns[i]));
        }
    }

    [Fact]
    public void Every_profile_has_its_own_record()
    {
        foreach (var profile in Columns)
        {
            ProfileRules.Of(profile).Profile.ShouldBe(profile);
        }
    }

    [Fact]
    public void F9_filter_space_follows_the_host_pmuver_on_6_1_and_the_host_limit_after() =>
        EachColumn("F9", (cell, rules) =>
            rules.FilterSpaceFrom.ShouldBe(cell.StartsWith("host PMU's PMUVer", StringComparison.Ordinal) ? PmuVerSource.HostPmuVer : PmuVerSource.HostLimit, cell));

    [Fact]
    public void E2_guest_mask_source() =>
        EachColumn("E2", (cell, rules) =>
            rules.GuestEventMaskFrom.ShouldBe(cell == "host PMUVer" ? PmuVerSource.HostPmuVer : PmuVerSource.GuestPmuVer, cell));

    [Fact]
    public void E3_guest_pmuver_policy_and_pmuver_zero_hiding() =>
        EachColumn("E3", (cell, rules) =>
        {
            rules.GuestPmuVer.ShouldBe(cell.Contains("only that value", StringComparison.Ordinal)
                ? GuestPmuVerPolicy.FixedAtMinOfHostAndV3P4 : GuestPmuVerPolicy.HostLimitLowerSafe, cell);
            rules.PmuVerZeroHidesPmu.ShouldBe(cell.Contains("PMUVer 0 hides", StringComparison.Ordinal), cell);
        });

    [Fact]
    public void P2_forced_pmceid0_events() =>
        EachColumn("P2", (cell, rules) =>
        {
            var named = cell == "none" ? [] : cell.Split(',').Select(e => e.Trim()).ToArray();
            rules.ForcedPmceid0Events.Select(EventName).ShouldBe(named, ignoreOrder: true, cell);
        });

    [Fact]
    public void P3_hidden_pmceid1_events() =>
        EachColumn("P3", (cell, rules) =>
        {
            var hidden = rules.HiddenPmceid1Events.Select(e => $"0x{e:X2}").ToArray();
            var expected = cell.StartsWith("0x3D-0x3F", StringComparison.Ordinal) ? ["0x3D", "0x3E", "0x3F"] : new[] { "0x3F" };
            hidden.ShouldBe(expected, ignoreOrder: true, cell);
            rules.HidesPmceid1FromHostPmuVer.ShouldBe(cell.Contains("if PMUVer ≥ V3P4", StringComparison.Ordinal) ? PmuVersion.V3P4 : (byte)0, cell);
        });

    [Fact]
    public void R2_event_type_mask_rule() =>
        EachColumn("R2", (cell, rules) =>
            rules.EventTypeMask.ShouldBe(cell == "0xC800FFFF" ? EventTypeMaskRule.Fixed : EventTypeMaskRule.ByGuestIdFields, cell));

    [Fact]
    public void C4_exception_level_rule() =>
        EachColumn("C4", (cell, rules) =>
            rules.ExceptionLevels.ShouldBe(cell == "!U, !P" ? ExceptionLevelRule.UAndPOnly : ExceptionLevelRule.NonSecureTwins, cell));

    [Fact]
    public void O1_64_bit_event_counters() =>
        EachColumn("O1", (cell, rules) => rules.EventCounters64Bit.ShouldBe(cell.StartsWith("yes", StringComparison.Ordinal), cell));

    [Fact]
    public void O3_hyp_interrupt_split() =>
        EachColumn("O3", (cell, rules) => rules.HypInterruptSplit.ShouldBe(cell.Contains("hyp split", StringComparison.Ordinal), cell));

    [Fact]
    public void R1_pmcr_reset_value_and_host_id_bits() =>
        EachColumn("R1", (cell, rules) =>
        {
            var pattern = cell.Contains("0xAC pattern", StringComparison.Ordinal);
            rules.PmcrResetValue.ShouldBe(pattern ? 0xACUL : 0UL, cell);
            rules.PmcrShowsHostId.ShouldBe(cell.Contains("host id bits", StringComparison.Ordinal), cell);
            rules.FirstRunAppliesResetPmcr.ShouldBe(pattern, cell);
        });

    [Fact]
    public void Set_nr_counters_exists_where_supported() =>
        EachColumn("SET_NR_COUNTERS", (cell, rules) => rules.HasSetNrCounters.ShouldBe(cell == "supported", cell));

    [Fact]
    public void El2_field_lowerable() =>
        EachColumn("ID_AA64PFR0_EL1.EL2", (cell, rules) => rules.El2FieldLowerable.ShouldBe(cell == "allowed", cell));

    [Fact]
    public void Nested_exists_where_the_table_says_yes() =>
        EachColumn("nested", (cell, rules) => rules.HasNested.ShouldBe(cell.StartsWith("yes", StringComparison.Ordinal), cell));

    private static string EventName(uint e) => e switch
    {
        Events.SwIncr => "SW_INCR",
        Events.Chain => "CHAIN",
        _ => $"0x{e:X}",
    };
}
