using PmuConformance.Fuzz.Engine;
using PmuConformance.Fuzz.Engine.Afl;
using PmuConformance.Fuzz.Pmu;

// The instrumented assemblies' probes need a map before any of their code runs (seeds, report and
// the target list run it before an engine attaches one).
SharpFuzzCoverage.UseSink();

// Two commands of this harness's own; everything else is the generic harness command line
// (list, check, fuzz, run, afl and the internal ones), see fuzz/README.md.
return args.FirstOrDefault() switch
{
    HarnessExtras.Seeds => HarnessExtras.WriteSeeds(args),
    HarnessExtras.Report => HarnessExtras.WriteReports(args),
    HarnessExtras.Opponents => HarnessExtras.ListOpponents(),
    _ => FuzzHarnessMain.Run(args, PmuTargets.Resolve, PmuTargets.Listed()),
};
