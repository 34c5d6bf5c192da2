using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PmuConformance.Fuzz.Engine.InProcess;

/// <summary>What an execution's coverage added.</summary>
internal enum CoverageNews
{
    None,

    /// <summary>A known edge reached a new hit-count bucket.</summary>
    NewHitCount,

    /// <summary>An edge never seen before.</summary>
    NewEdge,
}

/// <summary>
/// Owns the native coverage map the probes write to and AFL's "virgin" map of (edge, bucket) pairs
/// not seen yet. After each execution it classifies, merges and clears the map in one pass over
/// 64-byte chunks, touching only the chunks the execution wrote.
/// </summary>
internal sealed unsafe class CoverageTracker : IDisposable
{
    private readonly int _size;
    private byte* _map;
    private byte* _virgin;

    public CoverageTracker(int size)
    {
        Coverage.CoverageMap.ValidateSize(size);
        _size = size;
        _map = (byte*)NativeMemory.AlignedAlloc((nuint)size, 64);
        _virgin = (byte*)NativeMemory.AlignedAlloc((nuint)size, 64);
        NativeMemory.Clear(_map, (nuint)size);
        NativeMemory.Fill(_virgin, (nuint)size, 0xFF);
    }

    public byte* Map => _map;

    public int Size => _size;

    /// <summary>Map entries ever hit (AFL's edges_found).</summary>
    public int Edges { get; private set; }

    /// <summary>Forgets the last execution's coverage without looking at it.</summary>
    public void Clear() => NativeMemory.Clear(_map, (nuint)_size);

    /// <summary>Merges the last execution's coverage into what was seen and clears the map.</summary>
    public CoverageNews Collect()
    {
        ulong* map = (ulong*)_map;
        ulong* virgin = (ulong*)_virgin;
        int words = _size / sizeof(ulong);
        CoverageNews news = CoverageNews.None;
        for (int chunk = 0; chunk < words; chunk += 8)
        {
            if (IsZero(map + chunk))
            {
                continue;
            }

            for (int i = chunk; i < chunk + 8; i++)
            {
                ulong counts = map[i];
                if (counts == 0)
                {
                    continue;
                }

                map[i] = 0;
                ulong classes = HitCountClasses.Classify(counts);
                if ((classes & virgin[i]) != 0)
                {
                    news = (CoverageNews)Math.Max((int)news, (int)Merge((byte*)(virgin + i), classes));
                }
            }
        }

        return news;
    }

    /// <summary>
    /// A hash of which map entries the current execution has hit so far (counts ignored): for a
    /// hung execution, the path into the hang. Read from another thread while the target may
    /// still write; entries only go from zero to non-zero then, so it settles on the loop's edges.
    /// </summary>
    public ulong PathHash()
    {
        ulong hash = 14695981039346656037;
        for (int i = 0; i < _size; i++)
        {
            if (Volatile.Read(ref _map[i]) != 0)
            {
                hash = (hash ^ (ulong)i) * 1099511628211;
            }
        }

        return hash;
    }

    /// <summary>
    /// Releases the buffers. Not called after a hang: the abandoned target thread may still write
    /// to the map, so it is deliberately leaked then.
    /// </summary>
    public void Dispose()
    {
        NativeMemory.AlignedFree(_map);
        NativeMemory.AlignedFree(_virgin);
        _map = null;
        _virgin = null;
    }

    private static bool IsZero(ulong* chunk)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            return (Vector256.Load(chunk) | Vector256.Load(chunk + 4)) == Vector256<ulong>.Zero;
        }

        return (chunk[0] | chunk[1] | chunk[2] | chunk[3] | chunk[4] | chunk[5] | chunk[6] | chunk[7]) == 0;
    }

    private CoverageNews Merge(byte* virgin, ulong classes)
    {
        CoverageNews news = CoverageNews.NewHitCount;
        for (int b = 0; b < 8; b++)
        {
            byte bucket = (byte)(classes >> (b * 8));
            if ((bucket & virgin[b]) == 0)
            {
                continue;
            }

            if (virgin[b] == 0xFF)
            {
                Edges++;
                news = CoverageNews.NewEdge;
            }

            virgin[b] &= (byte)~bucket;
        }

        return news;
    }
}
