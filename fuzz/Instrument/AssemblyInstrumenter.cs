using Mono.Cecil;
using Mono.Cecil.Cil;

namespace PmuConformance.Fuzz.Instrument;

/// <summary>Outcome for one assembly.</summary>
internal sealed record AssemblyReport(string Path, bool AlreadyInstrumented, int Methods, int Blocks);

/// <summary>Rewrites one assembly file in place, keeping its symbols.</summary>
internal sealed class AssemblyInstrumenter(CoverageRuntime runtime, InstrumentOptions options)
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
        // No probes in compiler-written members (auto-property accessors, record equality and
        // printing: their coverage says nothing about the input) nor in methods without branches
        // (one block: that it ran is implied by the caller's block). A probe keeps the JIT from
        // inlining such small methods, which made instrumented record-heavy code 2-3 times slower.
        List<MethodDefinition> probed = methods.Where(m => !IsCompilerGenerated(m) && BlockFinder.FindStarts(m.Body).Count > 1).ToList();
        bool already = module.AssemblyReferences.Any(r => r.Name == runtime.AssemblyName);
        // Marking an assembly without probes would make engines believe it is instrumented.
        if (already || probed.Count == 0)
        {
            return new AssemblyReport(path, already, 0, 0);
        }

        int blocks = AddProbes(module, probed);
        AddMarker(module, blocks);
        Save(module, path);
        return new AssemblyReport(path, false, probed.Count, blocks);
    }

    private List<MethodDefinition> SelectedMethods(ModuleDefinition module) =>
        module.GetTypes()
            .Where(options.Namespaces.Includes)
            .SelectMany(type => type.Methods)
            .Where(method => method.HasBody && method.Body.Instructions.Count > 0)
            .ToList();

    private static bool IsCompilerGenerated(MethodDefinition method) =>
        method.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.CompilerGeneratedAttribute");

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
            writing.SymbolWriterProvider = new PortablePdbWriterProvider();
            writing.SymbolStream = symbols;
        }
        else if (module.HasSymbols)
        {
            writing.SymbolWriterProvider = new EmbeddedPortablePdbWriterProvider();
        }

        module.Write(image, writing);
        Replace(path, image);
        if (separatePdb)
        {
            Replace(System.IO.Path.ChangeExtension(path, ".pdb"), symbols);
        }
    }

    // A new file renamed over the old one, never a rewrite of the old one: a process that has the
    // assembly mapped (a running harness, or this tool) keeps reading the bytes it loaded.
    private static void Replace(string path, MemoryStream content)
    {
        string temporary = path + ".instrumenting";
        File.WriteAllBytes(temporary, content.ToArray());
        File.Move(temporary, path, overwrite: true);
    }
}
