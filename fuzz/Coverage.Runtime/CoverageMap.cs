using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PmuConformance.Fuzz.Coverage;

/// <summary>
/// The AFL-style edge coverage map that instrumented code writes to.
/// </summary>
/// <remarks>
/// Every probe the instrumenter inserts does <c>Map[id ^ Prev]++; Prev = id &gt;&gt; 1</c> inline, so
/// <see cref="Map"/> and <see cref="Prev"/> are plain public statics (no call, no bounds check).
/// Until an engine attaches its own buffer the map points at a zeroed sink of
/// <see cref="MaxSize"/> bytes, so instrumented code can run (e.g. in unit tests) without anyone
/// setting coverage up and can never write outside a valid buffer. <see cref="Prev"/> is not
/// thread-local: fuzz targets must be single-threaded to give meaningful coverage.
/// </remarks>
public static unsafe class CoverageMap
{
    /// <summary>The default map size, the same as AFL's.</summary>
    public const int DefaultSize = 1 << 16;

    /// <summary>The smallest map size the instrumenter and engines accept.</summary>
    public const int MinSize = 1 << 8;

    /// <summary>The largest map size: also the size of the sink buffer.</summary>
    public const int MaxSize = 1 << 20;

    // Lazily committed by the OS: untouched pages of the sink cost nothing.
    private static readonly byte* Sink = (byte*)NativeMemory.AllocZeroed(MaxSize);

    /// <summary>The map probes increment. Read by instrumented IL; use <see cref="Attach"/> to change it.</summary>
    public static byte* Map = Sink;

    /// <summary>The previous block id shifted right by one, as in AFL's edge hashing.</summary>
    public static int Prev;

    /// <summary>Size in bytes of the buffer <see cref="Map"/> currently points at.</summary>
    public static int Size { get; private set; } = MaxSize;

    /// <summary>True while <see cref="Map"/> points at a buffer an engine attached.</summary>
    public static bool IsAttached => Map != Sink;

    /// <summary>
    /// Points the probes at <paramref name="map"/>, a buffer of <paramref name="size"/> bytes that
    /// must stay valid until <see cref="Detach"/>. The size must be a power of two no smaller than
    /// the map size the loaded assemblies were instrumented for.
    /// </summary>
    public static void Attach(byte* map, int size)
    {
        ArgumentNullException.ThrowIfNull(map);
        ValidateSize(size);
        Map = map;
        Size = size;
        Prev = 0;
    }

    /// <summary>Points the probes back at the sink buffer.</summary>
    public static void Detach()
    {
        Map = Sink;
        Size = MaxSize;
        Prev = 0;
    }

    /// <summary>
    /// Clears the sink. Engines call this after a warm-up run so nothing leaks from it into a
    /// later, unrelated use of the sink.
    /// </summary>
    public static void ClearSink() => NativeMemory.Clear(Sink, MaxSize);

    /// <summary>
    /// Records block <paramref name="id"/> exactly as an inline probe does. The instrumenter emits
    /// the same operations inline; this is for hand-written probes and tests.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hit(int id)
    {
        Map[id ^ Prev]++;
        Prev = id >> 1;
    }

    /// <summary>Throws unless <paramref name="size"/> is a power of two in [MinSize, MaxSize].</summary>
    public static void ValidateSize(int size)
    {
        if (size < MinSize || size > MaxSize || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(size), size, $"The map size must be a power of two between {MinSize} and {MaxSize}.");
        }
    }
}
