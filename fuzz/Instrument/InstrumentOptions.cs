namespace PmuConformance.Fuzz.Instrument;

/// <summary>What the tool was asked to do.</summary>
/// <param name="Assemblies">Assembly files to rewrite in place (and to read dictionary tokens from).</param>
/// <param name="MapSize">Block ids are drawn below this size; engines need a map at least this large.</param>
/// <param name="DictionaryPath">Where to write the AFL dictionary, or null for none.</param>
/// <param name="Namespaces">Which types to instrument and read tokens from.</param>
/// <param name="DictionaryOnly">Only write the dictionary; leave the assemblies untouched.</param>
internal sealed record InstrumentOptions(
    IReadOnlyList<string> Assemblies,
    int MapSize,
    string? DictionaryPath,
    NamespaceFilter Namespaces,
    bool DictionaryOnly);
