using PmuConformance.Fuzz.Engine.Mutation;

namespace PmuConformance.Fuzz.Engine.InProcess;

/// <summary>The inputs kept because they reached new coverage.</summary>
internal sealed class Corpus
{
    private readonly List<byte[]> _inputs = [];

    public int Count => _inputs.Count;

    public void Add(byte[] input) => _inputs.Add(input);

    /// <summary>
    /// Picks a parent: half the time one of the newest eighth (recent finds sit at the frontier
    /// of exploration), otherwise uniformly.
    /// </summary>
    public byte[] Pick(FuzzRandom random)
    {
        int count = _inputs.Count;
        if (random.Chance(2))
        {
            int recent = Math.Max(1, count / 8);
            return _inputs[count - 1 - random.Below(recent)];
        }

        return _inputs[random.Below(count)];
    }
}
