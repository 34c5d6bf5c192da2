using PmuConformance.Checking.Engine;
using PmuConformance.KernelOracle;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.KernelOracle;

/// <summary><c>--shard i/n</c> splits a kernel-oracle run deterministically; <c>--merge</c> sums the shards' results files.</summary>
public sealed class ShardTests
{
    [Theory]
    [InlineData("1/1", 1, 1)]
    [InlineData("2/3", 2, 3)]
    [InlineData("10/10", 10, 10)]
    public void Parses_i_of_n(string text, int index, int count) =>
        Shard.Parse(text, out _).ShouldBe(new Shard(index, count));

    [Theory]
    [InlineData("0/2")]
    [InlineData("3/2")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("-1/2")]
    public void Refuses_anything_else(string text)
    {
        Shard.Parse(text, out var error).ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain(text);
    }

    [Fact]
    public void The_shards_of_a_run_partition_it_in_order()
    {
        var items = Enumerable.Range(0, 23).ToList();
        var parts = Enumerable.Range(1, 4).Select(i => new Shard(i, 4).Of(items).ToList()).ToList();
        parts.SelectMany(p => p).Order().ShouldBe(items);
        parts[1].ShouldBe([1, 5, 9, 13, 17, 21]);
        Shard.All.Of(items).ShouldBe(items);
    }

    [Fact]
    public void Merging_sums_the_reports_of_each_kernel_and_source()
    {
        static KernelReport Report(string source, int scenarios, params Mismatch[] mismatches) => new(
            "kernel:debian-7.2", source, scenarios, NotRunnable: 1, CheckedLines: 10 * scenarios, UncheckedLines: 2,
            mismatches, Problems: [], Findings: [], Boots: [new BatchStatistics("qemu-max", scenarios, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2))]);
        var one = Path.GetTempFileName();
        var two = Path.GetTempFileName();
        try
        {
            var disagreement = new Mismatch("<generated seed 0x5>", 0, 3, "0x1", "0x0 on kernel:debian-7.2");
            KernelResults.Save(one, new Shard(1, 2), [Report("corpus [shard 1/2]", 5) with
            {
                Shown = new Dictionary<string, int> { ["KD1"] = 2 },
                UncheckedByReason = new Dictionary<string, int> { ["chain"] = 1 },
            }, Report("300 generated on qemu-max (seed 0x1) [shard 1/2]", 150)]);
            KernelResults.Save(two, new Shard(2, 2), [Report("corpus [shard 2/2]", 4) with
            {
                Shown = new Dictionary<string, int> { ["KD1"] = 1, ["KD2"] = 1 },
                NoLongerShown = new Dictionary<string, int> { ["KD3"] = 1 },
                UncheckedByReason = new Dictionary<string, int> { ["chain"] = 2 },
            }, Report("300 generated on qemu-max (seed 0x1) [shard 2/2]", 150, disagreement)]);

            var merged = KernelResults.Merge([one, two]);

            merged.Select(r => r.Source).ShouldBe(["corpus", "300 generated on qemu-max (seed 0x1)"]);
            merged[0].Scenarios.ShouldBe(9);
            merged[0].NotRunnable.ShouldBe(2);
            merged[0].CheckedLines.ShouldBe(90);
            merged[0].Shown.ShouldBe(new Dictionary<string, int> { ["KD1"] = 3, ["KD2"] = 1 }, ignoreOrder: true);
            merged[0].NoLongerShown.ShouldBe(new Dictionary<string, int> { ["KD3"] = 1 }, ignoreOrder: true);
            merged[0].UncheckedByReason["chain"].ShouldBe(3);
            merged[1].Scenarios.ShouldBe(300);
            merged[1].Mismatches.ShouldBe([disagreement]);
            merged[1].Boots.Count.ShouldBe(2);
            merged[1].Agrees.ShouldBeFalse();
            merged[0].Agrees.ShouldBeTrue();
        }
        finally
        {
            File.Delete(one);
            File.Delete(two);
        }
    }

    [Fact]
    public void An_unreadable_results_file_is_named()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not json");
            Should.Throw<InvalidDataException>(() => KernelResults.Merge([path])).Message.ShouldContain(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
