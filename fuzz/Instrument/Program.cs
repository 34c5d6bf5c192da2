using System.Diagnostics;
using PmuConformance.Fuzz.Instrument;

InstrumentOptions? options = CommandLine.Parse(args, out string? error);
if (options is null)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

var clock = Stopwatch.StartNew();
using CoverageRuntime runtime = CoverageRuntime.Load();
var instrumenter = new AssemblyInstrumenter(runtime, options);
foreach (string path in options.Assemblies)
{
    if (!File.Exists(path))
    {
        Console.Error.WriteLine($"error: {path} not found");
        return 1;
    }

    AssemblyReport report = instrumenter.Process(path);
    string name = Path.GetFileName(path);
    Console.WriteLine(report switch
    {
        { AlreadyInstrumented: true } => $"fuzz-instrument: {name}: already instrumented, left as is",
        { Methods: 0 } => $"fuzz-instrument: warning: {name}: no method matches the namespace filter, left as is",
        _ => $"fuzz-instrument: {name}: {report.Blocks} probes in {report.Methods} methods (map {options.MapSize})",
    });
}

Console.WriteLine($"fuzz-instrument: done in {clock.ElapsedMilliseconds} ms");
return 0;
