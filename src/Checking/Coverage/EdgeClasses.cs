using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

namespace PmuConformance.Checking.Coverage;

/// <summary>
/// The edge classes of the issue (event numbers at the edges, empty and space-filling ranges,
/// overlapping and cancelling filters, several vCPUs, nested, counters near 2^32 and 2^64 ...):
/// which of them a scenario belongs to, judged from its steps and the model's transcript.
/// </summary>
public static class EdgeClasses
{
    /// <summary>Every class a coverage run must see at least once.</summary>
    public static readonly IReadOnlyList<string> Key =
    [
        "event ~0x00", "event ~0x11", "event ~0x1E", "event 0x3D-0x3F", "event ~0x3FF/0x400", "event 0x4000-0x403F",
        "event ~0xFFFF", "range on a bitmap word boundary",
        "nevents 0", "range fills the space", "range one past the space", "overlapping ranges", "cancelling ranges",
        "first filter allow", "first filter deny", "bad action", "filter fault", "pad set",
        "uAPI through vcpu > 0", "uAPI refused after INIT", "uAPI refused after run", "run before INIT",
        "guest PMUVer lowered", "nested on", "EL2 field off", "EL3 field on", "several vCPUs", "no PMU",
        "hyp transition", "put/load", "counter near 2^32", "counter near 2^64", "CHAIN pair",
        "PMCR.LP", "PMCR.LC", "PMSELR-indirect access", "MDCR_EL2 write", "custom host",
        .. Enum.GetValues<RegisterKind>().Select(ReadClass),
        .. RegisterReach.Classes,
    ];

    public static string ReadClass(RegisterKind kind) => kind switch
    {
        RegisterKind.Pmevtyper => "read pmevtyper<n>",
        RegisterKind.Pmevcntr => "read pmevcntr<n>",
        _ => "read " + new Register(kind),
    };

    /// <summary>The classes of one scenario, given the model's transcript of it.</summary>
    public static IEnumerable<string> Of(Scenario scenario, Execution model)
    {
        var classes = new HashSet<string>(RegisterReach.Of(scenario, model));
        var setup = scenario.Setup;
        var space = EventSpace.FilterSpace(setup.ProfileRules, setup.Host);
        if (setup.Vm.Nested)
        {
            classes.Add("nested on");
        }
        if (!setup.Vm.El2)
        {
            classes.Add("EL2 field off");
        }
        if (setup.Vm.El3)
        {
            classes.Add("EL3 field on");
        }
        if (setup.Vm.Vcpus > 1)
        {
            classes.Add("several vCPUs");
        }
        if (!setup.Vm.Pmu || !EventSpace.HostHasPmu(setup.Host))
        {
            classes.Add("no PMU");
        }
        if (setup.Host.PresetName is null)
        {
            classes.Add("custom host");
        }
        var accepted = new List<FilterStep>();
        var initialised = new HashSet<int>();
        var anyRun = false;
        for (var i = 0; i < scenario.Steps.Count && i < model.Outcomes.Count; i++)
        {
            var step = scenario.Steps[i].Step;
            var outcome = model.Outcomes[i];
            var ok = outcome.Kind == OutcomeKind.Ok;
            if (step.IsUserspace && step.Vcpu > 0)
            {
                classes.Add("uAPI through vcpu > 0");
            }
            if (step.IsUserspace && outcome.Kind == OutcomeKind.Errno && step is not RunStep)
            {
                if (anyRun)
                {
                    classes.Add("uAPI refused after run");
                }
                else if (initialised.Contains(step.Vcpu))
                {
                    classes.Add("uAPI refused after INIT");
                }
            }
            switch (step)
            {
                case FilterStep f:
                    Filter(classes, f, outcome, accepted, space);
                    break;
                case FilterFaultStep:
                    classes.Add("filter fault");
                    break;
                case InitStep when ok:
                    initialised.Add(step.Vcpu);
                    break;
                case RunStep when ok:
                    anyRun = true;
                    break;
                case RunStep when outcome.IsError(Errno.EINVAL):
                    classes.Add("run before INIT");
                    break;
                case SetPmuVerStep s when ok && s.Version < EventSpace.DefaultGuestPmuVer(setup.ProfileRules, setup.Host, true):
                    classes.Add("guest PMUVer lowered");
                    break;
                case EnterHypStep or ExitHypStep:
                    classes.Add("hyp transition");
                    break;
                case PutStep or LoadStep:
                    classes.Add("put/load");
                    break;
                case ReadStep r:
                    classes.Add(ReadClass(r.Register.Kind));
                    break;
                case EventsStep e:
                    EventNumber(classes, e.Event);
                    break;
                case WriteStep w:
                    Write(classes, w);
                    break;
            }
        }
        return classes;
    }

    private static void Filter(HashSet<string> classes, FilterStep f, Outcome outcome, List<FilterStep> accepted, uint space)
    {
        var end = (uint)f.Base + f.Count;
        EventNumber(classes, f.Base);
        if (f.Count > 0)
        {
            EventNumber(classes, (ushort)(end - 1));
        }
        if ((f.Base % 64 == 0 && f.Base != 0) || (end % 64 == 0 && f.Count > 0) || f.Base % 64 == 63)
        {
            classes.Add("range on a bitmap word boundary");
        }
        if (f.Count == 0)
        {
            classes.Add("nevents 0");
        }
        if (f.Action > FilterStep.Deny)
        {
            classes.Add("bad action");
        }
        if (f.Pad != 0)
        {
            classes.Add("pad set");
        }
        if (end == space + 1)
        {
            classes.Add("range one past the space");
        }
        if (outcome.Kind != OutcomeKind.Ok)
        {
            return;
        }
        if (end == space)
        {
            classes.Add("range fills the space");
        }
        if (accepted.Count == 0)
        {
            classes.Add(f.Action == FilterStep.Allow ? "first filter allow" : "first filter deny");
        }
        foreach (var earlier in accepted)
        {
            if (earlier.Base == f.Base && earlier.Count == f.Count && f.Count > 0 && earlier.Action != f.Action)
            {
                classes.Add("cancelling ranges");
            }
            else if (f.Base < earlier.Base + earlier.Count && earlier.Base < end)
            {
                classes.Add("overlapping ranges");
            }
        }
        accepted.Add(f);
    }

    private static void Write(HashSet<string> classes, WriteStep w)
    {
        switch (w.Register.Kind)
        {
            case RegisterKind.Pmevcntr or RegisterKind.Pmccntr or RegisterKind.Pmxevcntr:
                if (w.Value >= 0xFFFFFFFFFFFFFF00)
                {
                    classes.Add("counter near 2^64");
                }
                else if ((w.Value & 0xFFFFFFFF) >= 0xFFFFFF00)
                {
                    classes.Add("counter near 2^32");
                }
                break;
            case RegisterKind.Pmevtyper or RegisterKind.Pmxevtyper or RegisterKind.Pmccfiltr:
                EventNumber(classes, (ushort)w.Value);
                if ((ushort)w.Value == Events.Chain && w.Register.Kind == RegisterKind.Pmevtyper && w.Register.Index % 2 == 1)
                {
                    classes.Add("CHAIN pair");
                }
                break;
            case RegisterKind.Pmcr:
                if ((w.Value & PmcrBits.LP) != 0)
                {
                    classes.Add("PMCR.LP");
                }
                if ((w.Value & PmcrBits.LC) != 0)
                {
                    classes.Add("PMCR.LC");
                }
                break;
            case RegisterKind.MdcrEl2:
                classes.Add("MDCR_EL2 write");
                break;
        }
        if (w.Register.Kind is RegisterKind.Pmxevcntr or RegisterKind.Pmxevtyper)
        {
            classes.Add("PMSELR-indirect access");
        }
    }

    /// <summary>"At and around" an edge: within one of it.</summary>
    private static void EventNumber(HashSet<string> classes, ushort e)
    {
        static bool Near(ushort e, int edge) => Math.Abs(e - edge) <= 1;
        if (Near(e, 0x00))
        {
            classes.Add("event ~0x00");
        }
        if (Near(e, 0x11))
        {
            classes.Add("event ~0x11");
        }
        if (Near(e, 0x1E))
        {
            classes.Add("event ~0x1E");
        }
        if (e is >= 0x3D and <= 0x3F)
        {
            classes.Add("event 0x3D-0x3F");
        }
        if (Near(e, 0x3FF) || Near(e, 0x400))
        {
            classes.Add("event ~0x3FF/0x400");
        }
        if (e is >= 0x4000 and <= 0x403F)
        {
            classes.Add("event 0x4000-0x403F");
        }
        if (e >= 0xFFFE)
        {
            classes.Add("event ~0xFFFF");
        }
    }
}
