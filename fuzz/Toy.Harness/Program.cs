using PmuConformance.Fuzz.Engine;
using PmuConformance.Fuzz.Toy.Harness;

return FuzzHarnessMain.Run(args, ToyTargets.All);
