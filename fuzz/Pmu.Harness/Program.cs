using PmuConformance.Fuzz.Engine;
using PmuConformance.Fuzz.Pmu;

// Two commands of this harness's own; everything else is the generic harness command line
// (list, check, fuzz, run, afl and the internal ones), see fuzz/README.md.
return args.FirstOrDefault() switch
{
    HarnessExtras.Seeds => HarnessExtras.WriteSeeds(args),
    HarnessExtras.Report => HarnessExtras.WriteReports(args),
    HarnessExtras.Opponents => HarnessExtras.ListOpponents(),
    _ => FuzzHarnessMain.Run(args, PmuTargets.Resolve, PmuTargets.Listed()),
};
