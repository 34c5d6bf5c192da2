using System.CommandLine;
using PmuConformance.Scenarios;

namespace PmuConformance.Cli;

/// <summary><c>pmuconf explain</c>: what a sequence of filters does, from the reference model (<see cref="FilterExplainer"/>).</summary>
public static class ExplainCommand
{
    public static Command Create()
    {
        var filters = new Argument<string[]>("filters")
        {
            Description = "Filters in order: 'allow|deny|action=<byte> <base> <nevents>' or kvmtool's 'A:<first>-<last>' / 'D:<first>-<last>'",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var profile = new Option<string>("--profile", "-p")
        {
            Description = "Kernel behaviour: 6.1, 6.12 or 7.2",
            DefaultValueFactory = _ => KernelProfiles.Name(KernelProfiles.Default),
        };
        var host = new Option<string>("--host")
        {
            Description = "Host PMU: a preset (" + string.Join(", ", HostSpec.Presets.Select(p => p.Name))
                + ") and/or pmuver=<v>,counters=<n>,pmceid0=<x>,pmceid1=<x> (as the scenario 'host' line)",
            DefaultValueFactory = _ => HostSpec.Presets[0].Name,
        };
        var guestPmuVer = new Option<string?>("--guest-pmuver")
        {
            Description = "Lower the guest's PMUVer (set-pmuver after the filters): imp, v3p1, v3p4, v3p5, ... or 0-15",
        };
        var command = new Command("explain", HelpTexts.Explain) { filters, profile, host, guestPmuVer };
        command.SetAction(parse =>
        {
            var io = parse.InvocationConfiguration;
            var setup = ReadSetup(parse.GetValue(profile)!, parse.GetValue(host)!, parse.GetValue(guestPmuVer), out var setupError);
            if (setup is null)
            {
                io.Error.WriteLine($"pmuconf explain: {setupError}");
                return ExitCodes.Error;
            }
            IReadOnlyList<ParsedFilter> parsed;
            try
            {
                parsed = FilterText.Parse(parse.GetValue(filters) ?? []);
            }
            catch (FilterTextException e)
            {
                io.Error.WriteLine($"pmuconf explain: bad filter text: {e.Message}");
                return ExitCodes.Error;
            }
            FilterExplainer.Explain(setup, parsed).Write(io.Output);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The options as an <see cref="ExplainSetup"/>; the host text is read by the scenario parser.</summary>
    public static ExplainSetup? ReadSetup(string profileText, string hostText, string? guestPmuVerText, out string? error)
    {
        error = null;
        if (!KernelProfiles.TryParse(profileText, out var profile))
        {
            error = $"--profile: '{profileText}' is not a profile (6.1, 6.12 or 7.2)";
            return null;
        }
        var hostLine = "host " + hostText.Replace(',', ' ');
        var scenario = ScenarioParser.TryParse(hostLine, "--host", out var hostError);
        if (scenario is null)
        {
            error = $"--host '{hostText}': {hostError!.Reason}";
            return null;
        }
        byte? guestPmuVer = null;
        if (guestPmuVerText is not null)
        {
            if (!PmuVersion.TryParse(guestPmuVerText, out var v))
            {
                error = $"--guest-pmuver: '{guestPmuVerText}' is not a PMUVer (none, imp, v3p1, v3p4, v3p5, v3p7, v3p8, v3p9, impdef, or 0-15)";
                return null;
            }
            guestPmuVer = v;
        }
        return new ExplainSetup(profile, scenario.Setup.Host, guestPmuVer);
    }
}
