using FsCheck;
using FsCheck.Fluent;
using PmuConformance.Properties.Corpus;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Language;

/// <summary>
/// Whatever text the parser is given (arbitrary strings, mutated corpus lines, byte noise), the
/// only exception that may come out is ScenarioException. Runs with a fixed replay seed so that a
/// failure can be reproduced; the seed is printed in the failure message.
/// </summary>
public sealed class ParserFuzzTests
{
    /// <summary>The replay seed; change it locally to explore, keep it fixed in the suite.</summary>
    private const ulong Seed = 0x5EED_0F_C0DE;

    private const int Tests = 1500;

    private static readonly string[] CorpusLines = RepositoryFiles.CorpusFiles
        .SelectMany(f => File.ReadAllLines(RepositoryFiles.FullPath(f)))
        .Where(l => l.Length > 0)
        .Distinct()
        .ToArray();

    /// <summary>Words the parser knows, so that random text reaches its deeper branches.</summary>
    private static readonly string[] Vocabulary =
    [
        "profile", "6.1", "6.12", "7.2", "host", "qemu-max", "qemu-a57", "pmuver=", "counters=", "pmceid0=",
        "vm", "vcpus=", "nested=on", "el2=off", "el3=on", "pmu=off", "filter", "allow", "deny", "action=",
        "pad=", "fault", "set-pmu", "set-nr-counters", "set-pmuver", "attr", "init", "run", "write", "read",
        "swinc", "events", "at", "el0", "el1", "el2", "enter-hyp", "exit-hyp", "put", "load", "vcpu", "1:",
        ":", "->", "ok", "EINVAL", "undef", "?", "#", "pmcr", "pmevtyper30", "pmevcntr31", "mdcr_el2",
        "0x", "0xffff", "65536", "18446744073709551616", "-1", "cpu_cycles", "chain", "=", "\t", "\r",
    ];

    /// <summary>One line from the corpus, changed in one of several ways.</summary>
    private static Gen<string> MutatedCorpusLine() =>
        from line in Gen.Elements(CorpusLines)
        from kind in Gen.Choose(0, 6)
        from position in Gen.Choose(0, line.Length)
        from noise in Gen.Elements(Vocabulary)
        from c in Gen.Choose(0, 0xFFFF).Select(i => (char)i)
        select kind switch
        {
            0 => line.Remove(Math.Min(position, line.Length - 1), 1),
            1 => line.Insert(position, c.ToString()),
            2 => line.Insert(position, " " + noise + " "),
            3 => line[..position],
            4 => line + " " + noise,
            5 => string.Join(' ', line.Split(' ').Reverse()),
            _ => line.Replace(' ', c),
        };

    /// <summary>A few lines of vocabulary words and numbers.</summary>
    private static Gen<string> VocabularyText() =>
        Gen.Elements(Vocabulary).ArrayOf().Select(words => string.Join(' ', words))
            .ArrayOf().Select(lines => string.Join('\n', lines));

    /// <summary>Raw bytes read as UTF-8 or Latin-1 text.</summary>
    private static Gen<string> ByteNoise() =>
        from bytes in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf()
        from utf8 in Gen.Elements(true, false)
        select utf8 ? System.Text.Encoding.UTF8.GetString(bytes) : System.Text.Encoding.Latin1.GetString(bytes);

    /// <summary>A whole text built from the three sources, line by line.</summary>
    private static Gen<string> AnyText() =>
        Gen.OneOf(
                MutatedCorpusLine(),
                VocabularyText(),
                ByteNoise(),
                ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""))
            .ArrayOf()
            .Select(lines => string.Join('\n', lines));

    /// <summary>The property: parsing <paramref name="text"/> yields a scenario or a ScenarioException, nothing else.</summary>
    private static bool OnlyScenarioErrors(Func<string, string, Scenario> parse, string text)
    {
        try
        {
            parse(text, "fuzz.pmu");
        }
        catch (ScenarioException e)
        {
            // A scenario error must say where it is.
            return e.SourceName == "fuzz.pmu" && e.Line >= 0 && e.Message.StartsWith("fuzz.pmu", StringComparison.Ordinal);
        }
        return true;
    }

    /// <summary>Runs the property with the fixed seed; a failure names the seed and the shrunk input.</summary>
    private static void CheckOnlyScenarioErrors(Func<string, string, Scenario> parse)
    {
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(Tests)
            .WithReplay(new Replay(new Rnd(Seed), Microsoft.FSharp.Core.FSharpOption<int>.None));
        try
        {
            Check.One(config, Prop.ForAll(AnyText().ToArbitrary(), text => OnlyScenarioErrors(parse, text)));
        }
        catch (Exception e) when (e is not ScenarioException)
        {
            throw new Xunit.Sdk.XunitException($"parser fuzzing failed with replay seed 0x{Seed:x}:\n{e.Message}");
        }
    }

    [Fact]
    public void Only_scenario_errors_come_out_of_the_parser() =>
        CheckOnlyScenarioErrors(ScenarioParser.Parse);

    [Fact]
    public void The_fuzzing_property_catches_a_parser_that_crashes()
    {
        // A parser with a defect of the kind the property exists to find: it indexes past the end
        // of a line that ends with "->". The property must fail on it.
        static Scenario Broken(string text, string source)
        {
            foreach (var line in text.Split('\n'))
            {
                if (line.TrimEnd().EndsWith("->", StringComparison.Ordinal))
                {
                    _ = line[line.Length + 1];
                }
            }
            return ScenarioParser.Parse(text, source);
        }

        Should.Throw<Xunit.Sdk.XunitException>(() => CheckOnlyScenarioErrors(Broken)).Message.ShouldContain("replay seed");
    }

    [Fact]
    public void Mutated_corpus_lines_are_a_mix_of_readable_and_broken_text()
    {
        // Guards the generator: mutations of real lines must be a mix of lines the parser accepts
        // and lines it rejects, otherwise the fuzzing would never reach the parser's checks.
        var samples = MutatedCorpusLine().Sample(400, new Rnd(Seed), 12);
        samples.Length.ShouldBeGreaterThanOrEqualTo(100);
        var parsed = samples.Count(s => ScenarioParser.TryParse(s, "m.pmu", out _) is not null);
        parsed.ShouldBeInRange(samples.Length / 20, samples.Length - samples.Length / 20);
    }
}
