using System.Globalization;
using PmuConformance.Fuzz.Coverage;
using PmuConformance.Fuzz.Engine.Afl;
using PmuConformance.Fuzz.Engine.Harness;
using PmuConformance.Fuzz.Engine.Mutation;

namespace PmuConformance.Fuzz.Engine;

/// <summary>
/// The whole command line of a fuzz harness executable. A harness's Main is one line,
/// <c>return FuzzHarnessMain.Run(args, targets);</c>, and the same executable then serves as
/// in-process fuzzer (and its supervisor), AFL launcher, the process afl-fuzz runs (SharpFuzz's
/// out-of-process fork server) and reproducer. Run it without arguments for the usage text.
/// </summary>
public static class FuzzHarnessMain
{
    /// <summary>Runs the command in <paramref name="args"/> against the named targets.</summary>
    public static int Run(string[] args, IEnumerable<FuzzTargetDefinition> targets)
    {
        ArgumentNullException.ThrowIfNull(args);
        var catalogue = targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
        return RunCommand(args, name => catalogue.GetValueOrDefault(name), catalogue.Values);
    }

    /// <summary>Runs the command in <paramref name="args"/>; <paramref name="resolve"/> maps a target name to its code (null if unknown).</summary>
    public static int Run(string[] args, Func<string, FuzzTarget?> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        return RunCommand(args, name => resolve(name) is { } target ? new FuzzTargetDefinition(name, target) : null, []);
    }

    /// <summary>
    /// Runs the command in <paramref name="args"/>; <paramref name="resolve"/> maps any target name to
    /// its definition (null if unknown), for harnesses whose target names are parameterised;
    /// <paramref name="listed"/> are the ones the <c>list</c> command shows.
    /// </summary>
    public static int Run(string[] args, Func<string, FuzzTargetDefinition?> resolve, IEnumerable<FuzzTargetDefinition> listed)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(resolve);
        ArgumentNullException.ThrowIfNull(listed);
        return RunCommand(args, resolve, listed);
    }

    private static int RunCommand(string[] args, Func<string, FuzzTargetDefinition?> resolve, IEnumerable<FuzzTargetDefinition> listed)
    {
        SharpFuzzCoverage.UseSink(); // instrumented code may run before (or without) an engine
        try
        {
            HarnessSettings settings = HarnessSettings.Parse(args);
            if (settings.Command == HarnessCommands.List)
            {
                foreach (FuzzTargetDefinition target in listed)
                {
                    Console.WriteLine($"{target.Name,-20} {target.Description}");
                }

                return HarnessExitCodes.Ok;
            }

            FuzzTargetDefinition definition = (settings.Target is null ? null : resolve(settings.Target))
                ?? throw new HarnessUsageException(settings.Target is null ? "no target given" : $"unknown target '{settings.Target}'");
            return settings.Command switch
            {
                HarnessCommands.Check => Check(definition),
                HarnessCommands.Run => Reproducer.Run(definition, settings.Inputs),
                HarnessCommands.Fuzz when settings.Supervise => new SupervisedRunner(settings).Run(),
                HarnessCommands.Fuzz or HarnessCommands.FuzzChild => FuzzInProcess(definition, settings),
                HarnessCommands.Afl => RunAfl(settings),
                HarnessCommands.AflTarget => TargetThread.Run(() => AflTargetProcess.Run(definition, settings.MaxLength ?? (1 << 20))),
                _ => throw new HarnessUsageException($"unknown command '{settings.Command}'"),
            };
        }
        catch (HarnessUsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(HarnessSettings.Usage);
            return HarnessExitCodes.Usage;
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return HarnessExitCodes.Usage;
        }
        catch (InvalidOperationException e)
        {
            // Set-up problems (target not instrumented, map too small, afl-fuzz missing): a
            // supervisor must not restart on these.
            Console.Error.WriteLine($"error: {e.Message}");
            return HarnessExitCodes.Error;
        }
    }

    private static int Check(FuzzTargetDefinition definition)
    {
        string outcome = TargetThread.Run(() =>
        {
            try
            {
                definition.Target([]);
                return "returned";
            }
            catch (Exception e)
            {
                return $"threw {e.GetType().Name}";
            }
        });
        // The in-process copy carries the project's probes, the afl/ copy SharpFuzz's (fuzz/Instrument.targets).
        InstrumentationInfo info = InstrumentationInfo.OfLoadedAssemblies();
        IReadOnlyList<string> sharpFuzz = SharpFuzzCoverage.InstrumentedAssemblies();
        Console.WriteLine($"target '{definition.Name}' on an empty input: {outcome}");
        if (!info.Any && sharpFuzz.Count == 0)
        {
            Console.WriteLine("no loaded assembly is instrumented: import fuzz/Instrument.targets and list the target assembly in FuzzInstrumentAssembly");
            return HarnessExitCodes.Error;
        }

        if (info.Any)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"instrumented (in-process engine): {string.Join(", ", info.Assemblies)} ({info.BlockCount} probes, map size {info.RequiredMapSize})"));
        }

        if (sharpFuzz.Count > 0)
        {
            Console.WriteLine($"instrumented by SharpFuzz (AFL++): {string.Join(", ", sharpFuzz)}");
        }

        return HarnessExitCodes.Ok;
    }

    private static int FuzzInProcess(FuzzTargetDefinition definition, HarnessSettings settings)
    {
        var options = new FuzzOptions
        {
            OutputDirectory = settings.OutputFolder(""),
            SeedDirectories = settings.Seeds,
            DictionaryFiles = settings.Dictionaries,
            Seed = settings.Seed,
            MaxDuration = settings.MaxSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            MaxExecutions = settings.MaxExecutions,
            ExecutionTimeout = TimeSpan.FromMilliseconds(settings.TimeoutMilliseconds),
            MaxInputLength = settings.MaxLength ?? 4096,
            StopOnFirstFinding = settings.StopOnFinding,
        };
        using var signals = new StopSignals();
        Console.WriteLine($"fuzzing '{definition.Name}' in process {Environment.ProcessId}, output {Path.GetFullPath(options.OutputDirectory)}");
        FuzzSummary summary = InProcessFuzzer.Run(definition, options, new ConsoleProgress<FuzzProgress>(), signals.Token);
        Console.WriteLine(summary);
        foreach (FuzzFinding finding in summary.Findings)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {finding.Kind} at execution {finding.Execution} ({finding.Elapsed.TotalSeconds:F2}s): {finding.Signature}\n    {finding.InputPath}"));
        }

        Console.Out.Flush();
        if (summary.StopReason == FuzzStopReason.Hang)
        {
            // The target thread is stuck and cannot be aborted: leave, and let the supervisor restart.
            Environment.Exit(HarnessExitCodes.Hang);
        }

        return settings.Command == HarnessCommands.FuzzChild || summary.Findings.Count == 0 ? HarnessExitCodes.Ok : HarnessExitCodes.Findings;
    }

    private static int RunAfl(HarnessSettings settings)
    {
        string? dictionary = settings.Dictionaries.Count > 0 ? settings.Dictionaries[0] : null;
        var options = new AflOptions
        {
            OutputDirectory = settings.OutputFolder("-afl"),
            SeedDirectory = settings.Seeds.Count > 0 ? settings.Seeds[0] : null,
            DictionaryFile = dictionary,
            Instances = settings.Jobs,
            FirstInstance = settings.FirstInstance,
            Duration = TimeSpan.FromSeconds(settings.MaxSeconds ?? 60),
            TimeoutMilliseconds = settings.TimeoutMilliseconds,
            MaxInputLength = settings.MaxLength ?? (1 << 20),
        };
        using var signals = new StopSignals();
        AflSummary summary = AflCampaign.Run(AflCampaign.SharpFuzzCopyOf(SelfCommand.Executable), settings.Target!, options, new ConsoleProgress<AflProgress>(), signals.Token);
        Console.WriteLine(summary);
        summary.Instances.ToList().ForEach(i => Console.WriteLine($"  {i}"));
        foreach (AflFinding finding in summary.Crashes.Concat(summary.Hangs))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{finding.Instance}] after {finding.Elapsed?.TotalSeconds:F2}s: {finding.Path}"));
        }

        return summary.Crashes.Count + summary.Hangs.Count > 0 ? HarnessExitCodes.Findings : HarnessExitCodes.Ok;
    }
}
