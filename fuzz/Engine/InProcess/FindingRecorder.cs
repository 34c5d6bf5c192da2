using System.Diagnostics;
using System.Globalization;
using System.Text;
using PmuConformance.Fuzz.Engine.Storage;

namespace PmuConformance.Fuzz.Engine.InProcess;

/// <summary>
/// Saves findings, one input per distinct failure: exceptions are de-duplicated by type and top
/// stack frames (also against earlier runs in the same folder); hangs and crashes by content.
/// </summary>
internal sealed class FindingRecorder(OutputLayout layout)
{
    private const int SignatureFrames = 3;
    private readonly HashSet<string> _knownSignatures = layout.KnownSignatures();
    private readonly List<FuzzFinding> _findings = [];
    private readonly object _gate = new();

    public IReadOnlyList<FuzzFinding> Findings
    {
        get
        {
            lock (_gate)
            {
                return [.. _findings];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _findings.Count;
            }
        }
    }

    /// <summary>Saves an exception finding unless its signature is known; returns it if new.</summary>
    public FuzzFinding? RecordException(ReadOnlySpan<byte> input, Exception exception, long execution, TimeSpan elapsed)
    {
        string signature = SignatureOf(exception);
        string signatureHash = InputHash.OfText(signature);
        lock (_gate)
        {
            if (!_knownSignatures.Add(signatureHash))
            {
                return null;
            }
        }

        string path = layout.ExceptionPath(signatureHash, InputHash.Of(input));
        return Save(new FuzzFinding(FuzzFindingKind.Exception, path, signature, exception.ToString(), execution, elapsed), input);
    }

    /// <summary>Saves a hang unless one with the same path into it is known; returns it if new.</summary>
    public FuzzFinding? RecordHang(ReadOnlySpan<byte> input, ulong pathHash, TimeSpan timeout, long execution, TimeSpan elapsed)
    {
        string signatureHash = InputHash.OfText(pathHash.ToString("x16", CultureInfo.InvariantCulture));
        lock (_gate)
        {
            if (!_knownSignatures.Add(signatureHash))
            {
                return null;
            }
        }

        string description = string.Create(CultureInfo.InvariantCulture, $"The execution ran longer than {timeout.TotalMilliseconds:F0} ms.");
        string path = layout.HangPath(signatureHash, InputHash.Of(input));
        return Save(new FuzzFinding(FuzzFindingKind.Hang, path, $"hang path {pathHash:x16}", description, execution, elapsed), input);
    }

    public FuzzFinding RecordCrash(ReadOnlySpan<byte> input, string description)
    {
        string hash = InputHash.Of(input);
        return Save(new FuzzFinding(FuzzFindingKind.Crash, layout.CrashPath(hash), "crash-" + hash, description, 0, TimeSpan.Zero), input);
    }

    /// <summary>
    /// Exception type plus the top frames: stable across inputs that hit the same bug. An exception
    /// that names its own signature (<see cref="IFindingSignature"/>) is identified by that instead.
    /// </summary>
    public static string SignatureOf(Exception exception)
    {
        if (exception is IFindingSignature own)
        {
            return $"{exception.GetType().FullName}: {own.FindingSignature}";
        }

        var text = new StringBuilder(exception.GetType().FullName);
        // The engine's own frames (the call into the target) are the same for every finding.
        IEnumerable<StackFrame> frames = new StackTrace(exception, fNeedFileInfo: false).GetFrames()
            .Where(frame => frame.GetMethod()?.DeclaringType?.Assembly != typeof(FindingRecorder).Assembly);
        foreach (StackFrame frame in frames.Take(SignatureFrames))
        {
            var method = frame.GetMethod();
            text.Append(" at ").Append(method?.DeclaringType?.FullName).Append('.').Append(method?.Name)
                .Append(CultureInfo.InvariantCulture, $"+{frame.GetILOffset()}");
        }

        return text.ToString();
    }

    private FuzzFinding Save(FuzzFinding finding, ReadOnlySpan<byte> input)
    {
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"kind: {finding.Kind}")
            .AppendLine(CultureInfo.InvariantCulture, $"signature: {finding.Signature}")
            .AppendLine(CultureInfo.InvariantCulture, $"found at execution {finding.Execution}, {finding.Elapsed.TotalSeconds:F2} s into the run")
            .AppendLine(CultureInfo.InvariantCulture, $"input ({input.Length} bytes): {Convert.ToHexString(input[..Math.Min(input.Length, 256)])}{(input.Length > 256 ? "..." : "")}")
            .AppendLine()
            .AppendLine(finding.Description);
        OutputLayout.SaveFinding(finding.InputPath, input, report.ToString());
        lock (_gate)
        {
            _findings.Add(finding);
        }

        return finding;
    }
}
