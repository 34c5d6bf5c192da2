using PmuConformance.Properties.Corpus;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Language;

/// <summary>Parse(Print(s)) is the same scenario as s: the printer writes what the parser reads.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<string> CorpusFiles() => new(RepositoryFiles.CorpusFiles);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Every_corpus_file_round_trips(string file)
    {
        var scenario = ScenarioParser.ParseFile(RepositoryFiles.FullPath(file));
        AssertRoundTrips(scenario);
    }

    public static TheoryData<string> HandWritten() => new()
    {
        "",
        "profile 6.1\nhost qemu-a57\nvm vcpus=3 el3=on\nvcpu 2: filter action=7 0x3ff 0 pad=0x1 -> EINVAL\n",
        "host pmuver=impdef counters=0 pmceid0=0xffffffffffffffff pmceid1=0 aarch32=no pmus=8 pmcrid=0xffff0000\nvm pmu=off\ninit -> ENODEV\n",
        "host pmuver=13 counters=31 pmceid0=1 pmceid1=2\nset-pmuver 0xe\nset-pmuver none -> ok\n",
        "profile 7.2\nvm vcpus=4 nested=on el2=on\nrun\nread mdcr_el2 -> 0x6\nexit-hyp\nevents 0xffff 4294967295 at el0\nenter-hyp\nevents chain 0 at el2\nput\nload\nvcpu 3: swinc 0xffffffffffffffff -> undef\n",
        "filter fault -> EFAULT\nattr 18446744073709551615 -> ENXIO\nset-nr-counters 4294967295 -> EINVAL\nset-pmu 0 -> ok\nread pmxevtyper -> undef\nwrite pmselr 0 -> ok\nread irq -> 1\n",
    };

    [Theory]
    [MemberData(nameof(HandWritten))]
    public void Hand_written_cases_round_trip(string text) =>
        AssertRoundTrips(ScenarioParser.Parse(text, "<hand-written>"));

    [Theory]
    [InlineData("# one comment\ninit\nrun\nread pmcr\n")]
    [InlineData("# two\n# comments\nprofile 6.12\nhost qemu-a57\ndeviations KD3\ninit\nrun\nread pmovsset\n")]
    public void StepLine_is_the_line_the_printer_puts_each_step_on(string text)
    {
        // Repro files name their first differing line with it (ReproText), deviations line or not.
        var scenario = ScenarioParser.Parse(text);
        var printed = ScenarioParser.Parse(ScenarioPrinter.Print(scenario));
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            ScenarioPrinter.StepLine(scenario, i).ShouldBe(printed.Steps[i].Line);
        }
    }

    [Fact]
    public void Printing_keeps_the_leading_comments()
    {
        var scenario = ScenarioParser.Parse("# rules: B3\n# the doc example\ninit -> ok\n");
        var again = ScenarioParser.Parse(ScenarioPrinter.Print(scenario));
        again.Comments.ShouldBe(["rules: B3", "the doc example"]);
    }

    [Fact]
    public void SameAs_notices_a_changed_expectation()
    {
        // Guards the round-trip assertion: SameAs must be able to say no.
        var a = ScenarioParser.Parse("read pmcr -> 0x3000");
        var b = ScenarioParser.Parse("read pmcr -> 0x3001");
        a.SameAs(b).ShouldBeFalse();
    }

    private static void AssertRoundTrips(Scenario scenario)
    {
        var printed = ScenarioPrinter.Print(scenario);
        var again = ScenarioParser.Parse(printed, "<printed>");
        again.SameAs(scenario).ShouldBeTrue($"printed form:\n{printed}");
        ScenarioPrinter.Print(again).ShouldBe(printed);
    }
}
