using System.Globalization;

namespace PmuConformance.Fuzz.Engine.Harness;

/// <summary>Options shared by the harness commands, parsed from and written back to arguments.</summary>
internal sealed record HarnessSettings
{
    public const string Usage = """
        usage: <harness> <command> [target] [options]
          list                          list the targets
          check <target>                run the target once; report its instrumentation
          fuzz <target> [options]       in-process fuzzing; a supervisor restarts the fuzzing process
                                        after a StackOverflow or hang (Ctrl-C stops cleanly; rerun resumes)
          run <target> <file|folder>... run inputs once each and print what they throw
          afl <target> [options]        afl-fuzz campaign: one -M and jobs-1 -S instances
        options:
          --out <dir>          output folder (default fuzz-out/<target>[-afl])
          --seeds <dir>        seed folder (repeatable for fuzz)
          --dict <file>        AFL dictionary (repeatable; afl: the first)
          --seed <n>           random seed (fuzz; default 1)
          --max-time <s>       time budget in seconds (fuzz default: none; afl -V default 60)
          --max-execs <n>      execution budget (fuzz)
          --timeout-ms <n>     per-execution timeout: a hang (default 1000)
          --max-len <n>        largest input (fuzz default 4096)
          --jobs <n>           afl-fuzz instances (afl; default 2)
          --first-instance <i> afl: number the instances from i (0 is main, i > 0 is s<i>): one shard of a sync group
          --stop-on-finding    stop at the first new finding (fuzz)
          --no-supervise       fuzz in this process (a crash or hang then ends the run)
        """;

    public required string Command { get; init; }

    public string? Target { get; init; }

    public IReadOnlyList<string> Inputs { get; init; } = [];

    public string? Output { get; init; }

    public IReadOnlyList<string> Seeds { get; init; } = [];

    public IReadOnlyList<string> Dictionaries { get; init; } = [];

    public ulong Seed { get; init; } = 1;

    public double? MaxSeconds { get; init; }

    public long? MaxExecutions { get; init; }

    public int TimeoutMilliseconds { get; init; } = 1000;

    public int? MaxLength { get; init; }

    public int Jobs { get; init; } = 2;

    public int FirstInstance { get; init; }

    public bool StopOnFinding { get; init; }

    public bool Supervise { get; init; } = true;

    public string OutputFolder(string suffix) => Output ?? Path.Combine("fuzz-out", Target + suffix);

    public static HarnessSettings Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new HarnessUsageException("no command");
        }

        var settings = new HarnessSettings { Command = args[0] };
        var inputs = new List<string>();
        var seeds = new List<string>();
        var dictionaries = new List<string>();
        for (int i = 1; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new HarnessUsageException($"{arg} needs a value");
            settings = arg switch
            {
                "--out" => settings with { Output = Value() },
                "--seeds" => Add(seeds, Value(), settings),
                "--dict" => Add(dictionaries, Value(), settings),
                "--seed" => settings with { Seed = ulong.Parse(Value(), CultureInfo.InvariantCulture) },
                "--max-time" => settings with { MaxSeconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--max-execs" => settings with { MaxExecutions = long.Parse(Value(), CultureInfo.InvariantCulture) },
                "--timeout-ms" => settings with { TimeoutMilliseconds = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--max-len" => settings with { MaxLength = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--jobs" => settings with { Jobs = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--first-instance" => settings with { FirstInstance = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--stop-on-finding" => settings with { StopOnFinding = true },
                "--no-supervise" => settings with { Supervise = false },
                _ when arg.StartsWith("--", StringComparison.Ordinal) => throw new HarnessUsageException($"unknown option {arg}"),
                _ when settings.Target is null => settings with { Target = arg },
                _ => Add(inputs, arg, settings),
            };
        }

        return settings with { Inputs = inputs, Seeds = seeds, Dictionaries = dictionaries };
    }

    /// <summary>The options a supervised child needs, with the budget left.</summary>
    public List<string> ChildArguments(string output, double? remainingSeconds, long? remainingExecutions)
    {
        var args = new List<string> { HarnessCommands.FuzzChild, Target!, "--out", output, "--seed", Text(Seed) };
        foreach (string seed in Seeds)
        {
            args.AddRange(["--seeds", seed]);
        }

        foreach (string dictionary in Dictionaries)
        {
            args.AddRange(["--dict", dictionary]);
        }

        if (remainingSeconds is { } seconds)
        {
            args.AddRange(["--max-time", Text(seconds)]);
        }

        if (remainingExecutions is { } executions)
        {
            args.AddRange(["--max-execs", Text(executions)]);
        }

        if (MaxLength is { } length)
        {
            args.AddRange(["--max-len", Text(length)]);
        }

        if (StopOnFinding)
        {
            args.Add("--stop-on-finding");
        }

        args.AddRange(["--timeout-ms", Text(TimeoutMilliseconds)]);
        return args;
    }

    private static HarnessSettings Add(List<string> list, string value, HarnessSettings settings)
    {
        list.Add(value);
        return settings;
    }

    private static string Text<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}

/// <summary>Bad command line.</summary>
internal sealed class HarnessUsageException(string message) : Exception(message);
