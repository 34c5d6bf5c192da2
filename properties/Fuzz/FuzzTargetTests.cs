using System.Text;
using PmuConformance.Checking.Choices;
using PmuConformance.Checking.Shrinking;
using PmuConformance.Cli;
using PmuConformance.Fuzz.Pmu;
using PmuConformance.Properties.Corpus;
using PmuConformance.Scenarios;
using PmuConformance.SystemUnderTest;

namespace PmuConformance.Properties.Fuzz;

/// <summary>
/// The fuzz targets of fuzz/Pmu.Harness, run here uninstrumented on many inputs: every byte string
/// decodes to a valid scenario, and the text targets refuse garbage only with their usage
/// exception. A seeded generator of inputs (random bytes and mutated corpus text) stands in for the
/// fuzzer, so the tests are deterministic.
/// </summary>
public class FuzzTargetTests
{
    private static readonly ScenarioDecoder Decoder = ScenarioDecoder.For(new EmulatorTarget());

    /// <summary>Random byte strings of every length up to 600, and the all-zero / all-one edge cases.</summary>
    private static IEnumerable<byte[]> RandomInputs(int count, int seed)
    {
        var random = new Random(seed);
        yield return [];
        yield return new byte[600];
        yield return Enumerable.Repeat((byte)0xFF, 600).ToArray();
        for (var i = 0; i < count; i++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            yield return bytes;
        }
    }

    [Fact]
    public void Every_byte_string_decodes_to_a_valid_scenario_the_emulator_runs()
    {
        var validity = new ScenarioValidity(Decoder.Options.Runnable);
        var emulator = new EmulatorTarget();
        foreach (var input in RandomInputs(300, seed: 6))
        {
            var scenario = Decoder.Decode(input);
            validity.WhyInvalid(scenario).ShouldBeNull(Convert.ToHexString(input));
            scenario.Setup.Profile.ShouldBe(KernelProfile.V7_2);
            emulator.Execute(scenario).Error.ShouldBeNull();
        }
    }

    [Fact]
    public void Recorded_choices_decode_to_the_scenario_they_were_recorded_from()
    {
        for (ulong seed = 0; seed < 50; seed++)
        {
            var (scenario, bytes) = Decoder.Record(new RandomChoices(seed));
            Decoder.Decode(bytes).SameAs(scenario).ShouldBeTrue($"seed {seed}");
        }
    }

    [Fact]
    public void The_differential_target_passes_on_the_emulator_and_throws_a_divergence_on_a_broken_one()
    {
        var correct = new DifferentialTarget(new EmulatorTarget());
        var broken = new DifferentialTarget(new SelfTestTargets.SwincLost());
        var divergences = 0;
        for (ulong seed = 0; seed < 300; seed++)
        {
            var (scenario, _) = correct.Decoder.Record(new RandomChoices(seed));
            correct.Check(scenario);
            try
            {
                broken.Check(scenario);
            }
            catch (DivergenceException e)
            {
                divergences++;
                e.FindingSignature.ShouldNotBeNullOrEmpty();
            }
        }
        divergences.ShouldBeGreaterThan(0, "300 generated scenarios never caught the emulator that loses PMSWINC");
    }

    [Fact]
    public void The_parser_target_refuses_garbage_only_with_ScenarioException()
    {
        foreach (var input in RandomInputs(500, seed: 7).Concat(MutatedCorpus(1500, seed: 8)))
        {
            var thrown = Thrown(() => ParserTarget.Run(input));
            if (thrown is not null)
            {
                ParserTarget.IsFinding(thrown).ShouldBeFalse($"{thrown}\ninput: {Encoding.UTF8.GetString(input)}");
            }
        }
    }

    [Fact]
    public void The_explain_target_refuses_garbage_only_with_FilterTextException()
    {
        var lines = File.ReadLines(Path.Combine(RepositoryFiles.CorpusDirectory, "filter", "bad-action.pmu"))
            .Where(l => l.StartsWith("filter ", StringComparison.Ordinal))
            .Select(l => l.Split("->")[0].Trim())
            .Concat(["A:0x0-0x3f", "D:0x11-0x11, A:0-0xffff", "allow 0x4000 32; deny 0x4011 1"])
            .ToList();
        var random = new Random(9);
        var inputs = RandomInputs(500, seed: 10).Concat(Enumerable.Range(0, 1500).Select(_ =>
        {
            var text = string.Join(random.Next(3) switch { 0 => " ", 1 => ",", _ => "\0" }, Enumerable.Range(0, random.Next(1, 4)).Select(_ => lines[random.Next(lines.Count)]));
            return Mutate([(byte)random.Next(256), .. Encoding.UTF8.GetBytes(text)], random);
        }));
        var refused = 0;
        foreach (var input in inputs)
        {
            var thrown = Thrown(() => ExplainTarget.Run(input));
            if (thrown is not null)
            {
                ExplainTarget.IsFinding(thrown).ShouldBeFalse($"{thrown}\ninput: {Convert.ToHexString(input)}");
                refused++;
            }
        }
        refused.ShouldBeGreaterThan(0); // the inputs do reach the parser's refusals
    }

    [Fact]
    public void The_targets_call_anything_else_a_finding()
    {
        ParserTarget.IsFinding(new IndexOutOfRangeException()).ShouldBeTrue();
        ParserTarget.IsFinding(new RoundTripException("printed differently")).ShouldBeTrue();
        ExplainTarget.IsFinding(new ArgumentOutOfRangeException()).ShouldBeTrue();
        ExplainTarget.IsFinding(new FilterTextException("bad")).ShouldBeFalse();
    }

    /// <summary>Corpus files with a few bytes flipped, inserted, deleted or duplicated.</summary>
    private static IEnumerable<byte[]> MutatedCorpus(int count, int seed)
    {
        var random = new Random(seed);
        var files = RepositoryFiles.CorpusFiles.Select(f => File.ReadAllBytes(RepositoryFiles.FullPath(f))).ToList();
        for (var i = 0; i < count; i++)
        {
            yield return Mutate(files[random.Next(files.Count)], random);
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        for (var m = random.Next(1, 6); m > 0 && bytes.Count > 0; m--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, (byte)"0123456789x-:;, \n#=>"[random.Next(20)]);
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                default:
                    var length = Math.Min(random.Next(1, 16), bytes.Count - at);
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
            }
        }
        return [.. bytes];
    }

    private static Exception? Thrown(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
