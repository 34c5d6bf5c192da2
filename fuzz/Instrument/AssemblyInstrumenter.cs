using Mono.Cecil;
using Mono.Cecil.Cil;

namespace PmuConformance.Fuzz.Instrument;

/// <summary>Outcome for one assembly.</summary>
internal sealed record AssemblyReport(string Path, bool AlreadyInstrumented, int Methods, int Blocks);

/// <summary>Rewrites one assembly file in place, keeping its symbols, and feeds its constants to the dictionary.</summary>
internal sealed class AssemblyInstrumenter(CoverageRuntime runtime, InstrumentOptions options, DictionaryCollector dictionary)
{
    public AssemblyReport Process(string path)
    {
        using var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)));
        var reading = new ReaderParameters
        {
            // The whole file is read up front, so it can be overwritten afterwards.
            InMemory = true,
            ReadingMode = ReadingMode.Immediate,
            ReadSymbols = true,
            SymbolReaderProvider = new DefaultSymbolReaderProvider(throwIfNoSymbol: false),
            AssemblyResolver = resolver,
        };

        using ModuleDefinition module = ModuleDefinition.ReadModule(path, reading);
        List<MethodDefinition> methods = SelectedMethods(module);
        foreach (MethodDefinition method in methods)
        {
            dictionary.Collect(method.Body);
        }

        bool already = module.AssemblyReferences.Any(r => r.Name == runtime.AssemblyName);
        if (already || options.DictionaryOnly)
        {
            return new AssemblyReport(path, already, 0, 0);
        }

        int blocks = AddProbes(module, methods);
        AddMarker(module, blocks);
        Save(module, path);
        return new AssemblyReport(path, false, methods.Count, blocks);
    }

    private List<MethodDefinition> SelectedMethods(ModuleDefinition module) =>
        module.GetTypes()
            .Where(options.Namespaces.Includes)
            .SelectMany(type => type.Methods)
            .Where(method => method.HasBody && method.Body.Instructions.Count > 0)
            .ToList();

    private int AddProbes(ModuleDefinition module, List<MethodDefinition> methods)
    {
        var inserter = new ProbeInserter(module.ImportReference(runtime.MapField), module.ImportReference(runtime.PrevField));
        var ids = new BlockIds(options.MapSize);
        string assemblyName = module.Assembly.Name.Name;
        int blocks = 0;
        foreach (MethodDefinition method in methods)
        {
            string methodName = method.FullName;
            blocks += inserter.Instrument(method, ordinal => ids.For(assemblyName, methodName, ordinal));
        }

        return blocks;
    }

    private void AddMarker(ModuleDefinition module, int blocks)
    {
        var marker = new CustomAttribute(module.ImportReference(runtime.MarkerConstructor));
        marker.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.Int32, options.MapSize));
        marker.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.Int32, blocks));
        module.Assembly.CustomAttributes.Add(marker);
    }

    private static void Save(ModuleDefinition module, string path)
    {
        // Write to memory first: a failure must not leave a half-written assembly behind.
        using var image = new MemoryStream();
        using var symbols = new MemoryStream();
        bool separatePdb = module.HasSymbols && module.SymbolReader is not EmbeddedPortablePdbReader;
        var writing = new WriterParameters { WriteSymbols = module.HasSymbols };
        if (separatePdb)
        {
            writing.SymbolStream = symbols;
        }

        module.Write(image, writing);
        File.WriteAllBytes(path, image.ToArray());
        if (separatePdb)
        {
            File.WriteAllBytes(System.IO.Path.ChangeExtension(path, ".pdb"), symbols.ToArray());
        }
    }
}
