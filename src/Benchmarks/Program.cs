using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using PmuConformance.Benchmarks;

// Model and emulator side by side, then the emulator/model ratios.
//   dotnet run -c Release --project src/Benchmarks             full measurement
//   dotnet run -c Release --project src/Benchmarks -- --short  quick run (BenchmarkDotNet's ShortRun)
//   ... -- --short --filter '*Replay*'                          one benchmark class (BenchmarkDotNet's filter)
// Benchmarks run in-process: one build, no generated projects, same code for both targets.
var shortRun = args.Contains("--short");
var job = (shortRun ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory)
    .WithOptions(ConfigOptions.JoinSummary);

var switcherArgs = args.Where(a => a != "--short").ToArray();
if (!switcherArgs.Contains("--filter"))
{
    switcherArgs = [.. switcherArgs, "--filter", "*"];
}
var summaries = BenchmarkSwitcher
    .FromTypes([typeof(DispatchBenchmarks), typeof(FilterBenchmarks), typeof(RegisterWriteBenchmarks), typeof(ReplayBenchmarks)])
    .Run(switcherArgs, config)
    .ToList();
Console.WriteLine();
Console.WriteLine($"Replay scenarios: {ReplayBenchmarks.ScenarioCount}, {ReplayBenchmarks.Scenarios.Average(s => s.Steps.Count):0.0} steps on average.");
Console.WriteLine(RatioTable.Render(summaries));
return 0;
