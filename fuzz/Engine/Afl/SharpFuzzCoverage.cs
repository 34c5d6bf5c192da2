using System.Runtime.InteropServices;
using SharpFuzz.Common;

namespace PmuConformance.Fuzz.Engine.Afl;

/// <summary>
/// The coverage map that SharpFuzz's probes write to: <see cref="Trace.SharedMem"/> and
/// <see cref="Trace.PrevLocation"/> (every instrumented block does
/// <c>SharedMem[id ^ PrevLocation]++; PrevLocation = id &gt;&gt; 1</c>). Under afl-fuzz SharpFuzz
/// points it at AFL's shared memory itself; the in-process engine points it at its own buffer.
/// Until then it points at a sink, so instrumented code run without an engine (the harness's
/// check, run, seeds and report commands) never writes through a null pointer.
/// </summary>
public static unsafe class SharpFuzzCoverage
{
    /// <summary>SharpFuzz's block ids are below 2^16: AFL's default map size.</summary>
    public const int MapSize = 1 << 16;

    private const string RuntimeAssembly = "SharpFuzz.Common";

    // Lazily committed by the OS: untouched pages of the sink cost nothing.
    private static readonly byte* Sink = (byte*)NativeMemory.AllocZeroed(MapSize);

    /// <summary>Points the probes at the sink (and clears it, so nothing leaks into a later use).</summary>
    public static void UseSink()
    {
        NativeMemory.Clear(Sink, MapSize);
        Trace.SharedMem = Sink;
        Trace.PrevLocation = 0;
    }

    /// <summary>Points the probes at <paramref name="map"/>, <see cref="MapSize"/> bytes that stay valid until <see cref="UseSink"/>.</summary>
    public static void Attach(byte* map)
    {
        ArgumentNullException.ThrowIfNull(map);
        Trace.SharedMem = map;
        Trace.PrevLocation = 0;
    }

    /// <summary>Starts a new execution's edge chain (AFL resets its previous location per input too).</summary>
    public static void StartExecution() => Trace.PrevLocation = 0;

    /// <summary>Loaded assemblies that SharpFuzz instrumented (they reference its runtime).</summary>
    public static IReadOnlyList<string> InstrumentedAssemblies() =>
        [.. AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a != typeof(SharpFuzzCoverage).Assembly && a.GetReferencedAssemblies().Any(r => r.Name == RuntimeAssembly))
            .Select(a => a.GetName().Name ?? "?")
            .Order(StringComparer.Ordinal)];
}
