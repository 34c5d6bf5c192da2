using System.CommandLine;

namespace PmuConformance.Cli;

public static class Program
{
    /// <summary>Every command of <c>pmuconf</c>. A new command is one more <c>Subcommands.Add</c> line.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand(HelpTexts.Root);
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(KernelCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(FuzzCommand.Create());
        return root;
    }

    public static int Main(string[] args) => PmuConf.Run(args, Console.Out, Console.Error);
}
