using System.Text.Json;

namespace PmuConformance.Fuzz.Engine.Storage;

/// <summary>
/// The statistics file of an in-process run, rewritten about once a second. A supervising parent
/// reads it to know how far a child that died got; totals accumulate across resumed runs.
/// </summary>
public sealed record RunStatistics(
    long TotalExecutions, long RunExecutions, double RunSeconds, double ExecutionsPerSecond, int Edges, int CorpusSize, int Findings)
{
    /// <summary>How many runs have started on this folder (this one included).</summary>
    public int Runs { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static RunStatistics? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<RunStatistics>(File.ReadAllText(path), Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Write(string path) =>
        OutputLayout.WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(this, Json));
}
