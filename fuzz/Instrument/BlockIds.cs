using System.Text;

namespace PmuConformance.Fuzz.Instrument;

/// <summary>
/// Draws block ids from a hash of the method and the block's ordinal, not from a random generator,
/// so rebuilding unchanged code gives the same ids (stable coverage across rebuilds, comparable
/// runs, reproducible CI).
/// </summary>
internal sealed class BlockIds(int mapSize)
{
    private readonly int _mask = mapSize - 1;

    public int For(string assemblyName, string methodFullName, int blockOrdinal)
    {
        uint hash = 2166136261;
        hash = Fnv1a(hash, assemblyName);
        hash = Fnv1a(hash, "::");
        hash = Fnv1a(hash, methodFullName);
        hash ^= (uint)blockOrdinal * 0x9E3779B1u;
        return (int)(Avalanche(hash) & (uint)_mask);
    }

    private static uint Fnv1a(uint hash, string text)
    {
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }

    // Murmur3's finalizer: FNV alone leaves the low bits (the ones the mask keeps) poorly mixed.
    private static uint Avalanche(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h;
    }
}
