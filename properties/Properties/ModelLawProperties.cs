using PmuConformance.Checking.Checks;
using PmuConformance.Properties.Framework;
using Xunit.Abstractions;

namespace PmuConformance.Properties;

/// <summary>
/// Properties (b) and (c): laws and metamorphic relations of the reference model, every profile.
/// One method per law; <see cref="Every_law_has_a_property"/> keeps the list complete.
/// </summary>
public sealed class ModelLawProperties(ITestOutputHelper output) : ScenarioProperties(output)
{
    private const double Share = 0.6 / 9; // the laws' 60 % of the suite's time, shared by the nine

    private static readonly PmceidShowsOnlyHostEvents PmceidShowsOnlyHostEventsLaw = new();
    private static readonly FilteredEventsNeverCount FilteredEventsNeverCountLaw = new();
    private static readonly SoftwareCountingIgnoresFilter SoftwareCountingIgnoresFilterLaw = new();
    private static readonly RejectedCallsChangeNothing RejectedCallsChangeNothingLaw = new();
    private static readonly PutLoadPlacementIrrelevant PutLoadPlacementIrrelevantLaw = new();
    private static readonly SplitRangeRelation SplitRangeRelationLaw = new();
    private static readonly RepeatLastFilterRelation RepeatLastFilterRelationLaw = new();
    private static readonly EmptyDenyAfterFirstRelation EmptyDenyAfterFirstRelationLaw = new();
    private static readonly SwapDisjointRangesRelation SwapDisjointRangesRelationLaw = new();

    [ScenarioProperty(Share = Share)]
    public void Pmceid_shows_only_host_events(AnyProfileScenario s) => Holds(PmceidShowsOnlyHostEventsLaw, s.Scenario);

    [ScenarioProperty(Share = Share)]
    public void Filtered_events_never_count(AnyProfileScenario s) => Holds(FilteredEventsNeverCountLaw, s.Scenario);

    [ScenarioProperty(Share = Share)]
    public void Software_counting_ignores_the_filter(AnyProfileScenario s) => Holds(SoftwareCountingIgnoresFilterLaw, s.Scenario);

    [ScenarioProperty(Share = Share)]
    public void Refused_calls_change_nothing(AnyProfileScenario s) => Holds(RejectedCallsChangeNothingLaw, s.Scenario);

    [ScenarioProperty(Share = Share)]
    public void Put_and_load_placement_is_irrelevant(AnyProfileScenario s) => Holds(PutLoadPlacementIrrelevantLaw, s.Scenario);

    [ScenarioProperty(Share = Share)]
    public void Splitting_a_range_changes_nothing(AnyProfileScenario s) => Holds(SplitRangeRelationLaw, s.Scenario);

    [ScenarioProperty(Share = Share)]
    public void Repeating_the_last_filter_changes_nothing(AnyProfileScenario s) => Holds(RepeatLastFilterRelationLaw, s.Scenario);

    [ScenarioProperty(Share = Share)]
    public void An_empty_deny_after_the_first_filter_changes_nothing(AnyProfileScenario s) => Holds(EmptyDenyAfterFirstRelationLaw, s.Scenario);

    [ScenarioProperty(Share = Share)]
    public void Swapping_disjoint_ranges_changes_nothing(AnyProfileScenario s) => Holds(SwapDisjointRangesRelationLaw, s.Scenario);

    [Fact]
    public void Every_law_has_a_property()
    {
        var laws = ModelLaws.All().Concat(MetamorphicRelations.All()).Select(l => l.GetType().Name).Order().ToList();
        laws.ShouldBe([
            nameof(EmptyDenyAfterFirstRelation), nameof(FilteredEventsNeverCount), nameof(PmceidShowsOnlyHostEvents),
            nameof(PutLoadPlacementIrrelevant), nameof(RejectedCallsChangeNothing), nameof(RepeatLastFilterRelation),
            nameof(SoftwareCountingIgnoresFilter), nameof(SplitRangeRelation), nameof(SwapDisjointRangesRelation),
        ]);
        ModelLaws.All().Concat(MetamorphicRelations.All()).ShouldAllBe(l => l.Generator == Checking.Generation.GeneratorOptions.AllProfiles);
    }
}
