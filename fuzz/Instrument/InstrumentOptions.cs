namespace PmuConformance.Fuzz.Instrument;

/// <summary>What the tool was asked to do.</summary>
/// <param name="Assemblies">Assembly files to rewrite in place.</param>
/// <param name="MapSize">Block ids are drawn below this size; engines need a map at least this large.</param>
/// <param name="Namespaces">Which types to instrument.</param>
internal sealed record InstrumentOptions(IReadOnlyList<string> Assemblies, int MapSize, NamespaceFilter Namespaces);
