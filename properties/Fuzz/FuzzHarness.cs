using System.Diagnostics;
using PmuConformance.Properties.Corpus;

namespace PmuConformance.Properties.Fuzz;

/// <summary>The instrumented fuzz harness (fuzz/Pmu.Harness) built beside the tests, run as a process.</summary>
internal static class FuzzHarness
{
    /// <summary>Runs the harness of this test build's configuration; its exit code and stdout followed by stderr.</summary>
    public static (int Code, string Output) Run(params string[] arguments)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0
        var executable = Path.Combine(RepositoryFiles.RepositoryRoot, "fuzz", "Pmu.Harness", "bin", configuration, "net10.0", "pmuconf-fuzz");
        File.Exists(executable).ShouldBeTrue($"{executable} is missing: properties references fuzz/Pmu.Harness, so building the tests builds it");
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + errors.Result);
    }
}
