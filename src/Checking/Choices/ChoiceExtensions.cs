namespace PmuConformance.Checking.Choices;

/// <summary>The generator's vocabulary on top of <see cref="IChoiceSource.NextBelow"/>.</summary>
public static class ChoiceExtensions
{
    /// <summary>A number in [0, bound); a bound below 1 counts as 1.</summary>
    public static int Below(this IChoiceSource choices, int bound) => (int)choices.NextBelow((ulong)Math.Max(bound, 1));

    public static ulong Below(this IChoiceSource choices, ulong bound) => choices.NextBelow(Math.Max(bound, 1));

    /// <summary>A number in [low, high] (inclusive).</summary>
    public static int Between(this IChoiceSource choices, int low, int high) => low + choices.Below(high - low + 1);

    /// <summary>True with probability percent/100. A choice of 0 means false: exhausted bytes pick the plain path.</summary>
    public static bool Chance(this IChoiceSource choices, int percent) => choices.Below(100) >= 100 - percent;

    public static T Pick<T>(this IChoiceSource choices, IReadOnlyList<T> items) => items[choices.Below(items.Count)];

    /// <summary>64 arbitrary bits.</summary>
    public static ulong Bits(this IChoiceSource choices) => (choices.NextBelow(1UL << 32) << 32) | choices.NextBelow(1UL << 32);

    /// <summary>
    /// Index of a weighted option: weight <c>w[i]</c> out of the sum. Index 0 is what a choice of 0
    /// selects, so callers list the "stop" or simplest option first where that matters.
    /// </summary>
    public static int Weighted(this IChoiceSource choices, ReadOnlySpan<int> weights)
    {
        var total = 0;
        foreach (var w in weights)
        {
            total += w;
        }
        var roll = choices.Below(total);
        for (var i = 0; i < weights.Length; i++)
        {
            if (roll < weights[i])
            {
                return i;
            }
            roll -= weights[i];
        }
        return weights.Length - 1;
    }
}
