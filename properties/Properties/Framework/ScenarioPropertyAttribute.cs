using FsCheck.Xunit;

namespace PmuConformance.Properties.Framework;

/// <summary>
/// An FsCheck.Xunit <see cref="PropertyAttribute"/> whose number of cases comes from the suite's
/// budget (<see cref="PropertyBudget"/>: PMUCONF_PROPERTY_SECONDS, PMUCONF_PROPERTY_CASES) instead of
/// FsCheck's fixed 100. <see cref="Share"/> is this property's part of the suite's property time.
/// Sizes sweep 0..100 as in <c>pmuconf check</c>. <c>Replay</c> takes FsCheck's
/// <c>"seed,gamma,size"</c> from a failure report; <c>pmuconf check --seed</c> takes the same text.
/// </summary>
public sealed class ScenarioPropertyAttribute : PropertyAttribute
{
    private double share;

    public ScenarioPropertyAttribute()
    {
        StartSize = 0;
        EndSize = 100;
        MaxTest = PropertyBudget.Cases(share);
        if (PropertyBudget.Replay() is { } seeded)
        {
            Replay = seeded; // PMUCONF_PROPERTY_SEED; a Replay named in the attribute is set later and wins
        }
    }

    /// <summary>This property's share of the suite's property time (0..1).</summary>
    public double Share
    {
        get => share;
        set
        {
            share = value;
            MaxTest = PropertyBudget.Cases(value);
        }
    }
}
