using Mono.Cecil;
using PmuConformance.Fuzz.Coverage;

namespace PmuConformance.Fuzz.Instrument;

/// <summary>
/// The definitions in the coverage runtime assembly that probes use, read with Cecil from the
/// runtime assembly the tool itself was built against (so instrumented code references exactly
/// that assembly identity, and reflection types never leak a System.Private.CoreLib reference).
/// </summary>
internal sealed class CoverageRuntime : IDisposable
{
    private readonly ModuleDefinition _module;

    private CoverageRuntime(ModuleDefinition module)
    {
        _module = module;
        TypeDefinition map = module.GetType(typeof(CoverageMap).FullName)
            ?? throw new InvalidOperationException($"{typeof(CoverageMap).FullName} not found in {module.FileName}");
        MapField = map.Fields.Single(f => f.Name == nameof(CoverageMap.Map));
        PrevField = map.Fields.Single(f => f.Name == nameof(CoverageMap.Prev));
        TypeDefinition marker = module.GetType(typeof(CoverageInstrumentedAttribute).FullName)
            ?? throw new InvalidOperationException($"{nameof(CoverageInstrumentedAttribute)} not found in {module.FileName}");
        MarkerConstructor = marker.Methods.Single(m => m.IsConstructor && !m.IsStatic);
    }

    /// <summary>The runtime assembly's simple name: an assembly referencing it is already instrumented.</summary>
    public string AssemblyName => _module.Assembly.Name.Name;

    public FieldDefinition MapField { get; }

    public FieldDefinition PrevField { get; }

    public MethodDefinition MarkerConstructor { get; }

    public static CoverageRuntime Load() =>
        new(ModuleDefinition.ReadModule(typeof(CoverageMap).Assembly.Location, new ReaderParameters { InMemory = true }));

    /// <summary>True if <paramref name="field"/> is <see cref="CoverageMap.Map"/> (a probe's first instruction).</summary>
    public bool IsMapField(FieldReference field) =>
        field.Name == MapField.Name && field.DeclaringType.FullName == MapField.DeclaringType.FullName;

    /// <summary>True if <paramref name="field"/> is <see cref="CoverageMap.Prev"/> (a probe's last store).</summary>
    public bool IsPrevField(FieldReference field) =>
        field.Name == PrevField.Name && field.DeclaringType.FullName == PrevField.DeclaringType.FullName;

    public void Dispose() => _module.Dispose();
}
