using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace PmuConformance.Cli;

/// <summary>
/// The whole command line as a function, so that tests run commands in-process with their own
/// writers. <see cref="Program.Main"/> calls it with the console.
/// </summary>
public static class PmuConf
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var parse = Program.CreateRoot().Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            // System.CommandLine would print the errors and the whole help with exit code 1;
            // a usage error is 2 here, and a short hint beats a page of help.
            foreach (var parseError in parse.Errors)
            {
                error.WriteLine($"pmuconf: {ParseErrors.Readable(parseError.Message)}");
            }
            var command = parse.CommandResult.Command;
            var name = command is RootCommand ? "pmuconf" : $"pmuconf {command.Name}";
            error.WriteLine($"Try '{name} --help'.");
            return ExitCodes.Error;
        }
        try
        {
            var code = parse.Invoke(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
            });
            var command = parse.CommandResult.Command;
            if (parse.Action is HelpAction && HelpTexts.Details(command is RootCommand ? "pmuconf" : command.Name) is { } details)
            {
                output.WriteLine(details);
            }
            return code;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Commands report their own errors; reaching this is a bug in pmuconf. Still no stack trace.
            error.WriteLine($"pmuconf: internal error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Error;
        }
    }
}
