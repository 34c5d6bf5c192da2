using PmuConformance.ReferenceModel;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties.Mutation;

/// <summary>
/// The emulator's word-at-a-time filter bitmap against the model's one-bool-per-event filter
/// (behaviour.md B1, B2, B5, P4), on ranges that start and end at and next to 64-bit word
/// boundaries. Added for mutation testing (docs/mutation.md): scenario-level tests rarely produce
/// a range ending exactly on a word boundary and then count an event of the next word, so a
/// mutant that computed the last word as (end + 1) / 64 survived them.
/// </summary>
public sealed class FilterBitmapTests
{
    private const int Cases = 400;

    [Fact]
    public void Bitmap_agrees_with_the_model_filter_on_word_boundary_ranges()
    {
        var random = new Random(5);
        for (var c = 0; c < Cases; c++)
        {
            var space = random.Next(2) == 0 ? 0x400u : 0x10000u; // E1: IMP and PMUv3p1 and later
            var firstAllow = random.Next(2) == 0;
            var bitmap = new FilterBitmap(firstAllow);
            var model = new EventFilter(space, firstAllow);
            var ranges = new List<string>();
            var highest = 0u;
            for (var r = random.Next(1, 5); r > 0; r--)
            {
                var allow = ranges.Count == 0 ? firstAllow : random.Next(2) == 0;
                var (baseEvent, count) = NearWordBoundaries(random, space);
                bitmap.Apply(allow, baseEvent, count);
                model.Apply(allow, baseEvent, count);
                ranges.Add($"{(allow ? "allow" : "deny")} {baseEvent:x} {count:x}");
                highest = Math.Max(highest, baseEvent + count);
            }

            var context = $"filter {string.Join(", ", ranges)} (first action {(firstAllow ? "allow" : "deny")}, space {space:x})";
            var end = Math.Min(space, highest + 256) + 128; // past the touched words and past the space
            for (var e = 0u; e < end; e++)
            {
                if (bitmap.Allows(e) != model.Allows(e))
                {
                    Assert.Fail($"{context}: event {e:x} allowed by the bitmap {bitmap.Allows(e)}, by the model {model.Allows(e)}");
                }
            }
            for (var first = 0u; first < end; first += 32)
            {
                bitmap.Bits32(first).ShouldBe(ModelBits32(model, first), $"{context}: the 32 bits from {first:x}");
            }
        }
    }

    /// <summary>A range whose ends fall on, just before or just after a word boundary, or anywhere; within the space (F4).</summary>
    private static (uint Base, uint Count) NearWordBoundaries(Random random, uint space)
    {
        var words = (int)(space / 64);
        uint Point() => random.Next(3) == 0
            ? (uint)random.Next((int)space + 1)
            : (uint)Math.Clamp(64 * random.Next(words + 1) + random.Next(-1, 2), 0, (int)space);
        var a = Point();
        var b = Point();
        return a <= b ? (a, b - a) : (b, a - b);
    }

    /// <summary>P4: bit k is event first + k.</summary>
    private static uint ModelBits32(EventFilter model, uint first)
    {
        var bits = 0u;
        for (var k = 0; k < 32; k++)
        {
            if (model.Allows(first + (uint)k))
            {
                bits |= 1u << k;
            }
        }
        return bits;
    }
}
