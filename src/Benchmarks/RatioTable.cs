using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace PmuConformance.Benchmarks;

/// <summary>The summary step: per benchmark, model and emulator time per operation, their ratio and allocations.</summary>
internal static class RatioTable
{
    public static string Render(IEnumerable<Summary> summaries)
    {
        var text = new StringBuilder();
        text.AppendLine("| benchmark | model ns/op | emulator ns/op | speed-up (model/emulator) | model B/op | emulator B/op |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        var reports = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null).ToList();
        foreach (var group in reports.GroupBy(r => r.BenchmarkCase.Descriptor.Type))
        {
            var model = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == "Model");
            var emulator = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == "Emulator");
            if (model is null || emulator is null)
            {
                continue;
            }
            var category = group.Key.Name.Replace("Benchmarks", "", StringComparison.Ordinal);
            var m = model.ResultStatistics!.Mean;
            var e = emulator.ResultStatistics!.Mean;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {category} | {m:0.0} | {e:0.0} | {m / e:0.0}x | {Bytes(model)} | {Bytes(emulator)} |"));
        }
        return text.ToString();
    }

    private static string Bytes(BenchmarkReport report) =>
        report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) is { } bytes
            ? bytes.ToString(CultureInfo.InvariantCulture)
            : "?";
}
