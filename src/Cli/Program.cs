using System.CommandLine;
using PmuConformance.Cli;

var root = new RootCommand("pmuconf: conformance suite for the KVM arm64 PMU event filter");
root.Subcommands.Add(ReplayCommand.Create());
return root.Parse(args).Invoke();
