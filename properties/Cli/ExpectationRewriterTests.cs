using PmuConformance.Cli;
using PmuConformance.Scenarios;

namespace PmuConformance.Properties.Cli;

public class ExpectationRewriterTests
{
    [Fact]
    public void Replaces_the_value_and_keeps_the_comment_column()
    {
        var line = "read pmccntr      -> 0         # C2: stopped";
        var rewritten = ExpectationRewriter.RewriteLine(line, "0x1234", addMissing: false);
        rewritten.ShouldBe("read pmccntr      -> 0x1234    # C2: stopped");
        rewritten.IndexOf('#').ShouldBe(line.IndexOf('#'));
    }

    [Fact]
    public void Keeps_at_least_one_space_before_a_comment_when_the_value_grows()
    {
        ExpectationRewriter.RewriteLine("read pmceid0 -> 0 # x", "0x40020101", addMissing: false)
            .ShouldBe("read pmceid0 -> 0x40020101 # x");
    }

    [Fact]
    public void Fills_a_placeholder()
    {
        ExpectationRewriter.RewriteLine("filter allow 0x11 1   -> ?", "ok", addMissing: false)
            .ShouldBe("filter allow 0x11 1   -> ok");
    }

    [Fact]
    public void Leaves_a_step_without_arrow_alone_unless_asked()
    {
        ExpectationRewriter.RewriteLine("init", "ok", addMissing: false).ShouldBe("init");
        ExpectationRewriter.RewriteLine("init", "ok", addMissing: true, arrowColumn: 10).ShouldBe("init      -> ok");
    }

    [Fact]
    public void An_arrow_inside_a_comment_is_not_an_expectation()
    {
        ExpectationRewriter.RewriteLine("run  # -> ok later", "ok", addMissing: false).ShouldBe("run  # -> ok later");
        ExpectationRewriter.RewriteLine("run  # note", "ok", addMissing: true, arrowColumn: 8).ShouldBe("run     -> ok  # note");
    }

    [Fact]
    public void Rewrites_only_the_named_lines_and_keeps_line_endings()
    {
        var text = "# title\r\nprofile 7.2\r\n\r\nfilter deny 0x11 1 -> EINVAL\r\ninit\r\nrun -> ok\r\n";
        var (result, changed) = ExpectationRewriter.Rewrite(
            text,
            [new ExpectationUpdate(4, Outcome.Ok), new ExpectationUpdate(5, Outcome.Ok)],
            addMissing: false);
        changed.ShouldBe(1);
        result.ShouldBe("# title\r\nprofile 7.2\r\n\r\nfilter deny 0x11 1 -> ok\r\ninit\r\nrun -> ok\r\n");
    }

    [Fact]
    public void Added_arrows_line_up_with_the_files_usual_column()
    {
        var text = "init\nrun        -> ok\nread pmcr  -> 0x3000\nread pmccfiltr";
        var (result, changed) = ExpectationRewriter.Rewrite(
            text,
            [new ExpectationUpdate(1, Outcome.Ok), new ExpectationUpdate(4, Outcome.Of(0))],
            addMissing: true);
        changed.ShouldBe(2);
        result.ShouldBe("init       -> ok\nrun        -> ok\nread pmcr  -> 0x3000\nread pmccfiltr -> 0x0");
    }

    [Fact]
    public void Ignores_outcomes_of_steps_that_yield_nothing_and_lines_out_of_range()
    {
        var text = "events cpu_cycles 5 at el1\n";
        var (result, changed) = ExpectationRewriter.Rewrite(
            text,
            [new ExpectationUpdate(1, Outcome.Nothing), new ExpectationUpdate(9, Outcome.Ok)],
            addMissing: true);
        changed.ShouldBe(0);
        result.ShouldBe(text);
    }
}
