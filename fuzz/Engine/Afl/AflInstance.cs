using System.Diagnostics;

namespace PmuConformance.Fuzz.Engine.Afl;

/// <summary>One running afl-fuzz process, its output going to <c>&lt;out&gt;/&lt;name&gt;.log</c>.</summary>
internal sealed class AflInstance : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly object _logGate = new();

    private AflInstance(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.HasExited ? _process.ExitCode : -1;

    public static AflInstance Start(string name, string aflFuzz, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string output)
    {
        var start = new ProcessStartInfo(aflFuzz)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // afl-fuzz must not read the terminal
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(Path.Combine(output, name + ".log"), append: true) { AutoFlush = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {aflFuzz}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log.Dispose();
            throw new InvalidOperationException($"cannot start {aflFuzz} ({e.Message}); install it with: apt-get install -y afl++", e);
        }

        var instance = new AflInstance(name, process, log);
        process.OutputDataReceived += (_, e) => instance.Log(e.Data);
        process.ErrorDataReceived += (_, e) => instance.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return instance;
    }

    /// <summary>Asks afl-fuzz to stop (SIGINT): it writes its statistics and kills its forkserver.</summary>
    public void Interrupt()
    {
        if (!_process.HasExited)
        {
            Harness.InterruptSignal.Interrupt(_process.Id);
        }
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.WaitForExit();
        _process.Dispose();
        lock (_logGate)
        {
            _log.Dispose();
        }
    }

    private void Log(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            _log.WriteLine(line);
        }
    }
}
