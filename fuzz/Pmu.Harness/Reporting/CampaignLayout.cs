namespace PmuConformance.Fuzz.Pmu.Reporting;

/// <summary>
/// The output folder of a <c>pmuconf fuzz</c> campaign: <c>seeds/</c> (written once),
/// <c>inproc/</c> (the in-process engine's queue, findings and crashes), <c>afl/</c> (afl-fuzz's
/// sync folder: main, s1, ...) and <c>findings/</c> (the decoded, shrunk repros and the inputs
/// that killed the process). Running the same command on the folder again resumes it.
/// </summary>
public sealed class CampaignLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Seeds => Path.Combine(Root, "seeds");

    public string InProcess => Path.Combine(Root, "inproc");

    public string Afl => Path.Combine(Root, "afl");

    public string Findings => Path.Combine(Root, "findings");

    /// <summary>The harness target name the folder was started with (resuming must use the same).</summary>
    public string TargetFile => Path.Combine(Root, "target");

    /// <summary>
    /// Raw inputs the engines saved, each with a key unique in the campaign and its kind:
    /// exception (a finding the target threw), hang, crash (the process died), afl-crash (afl-fuzz
    /// does not tell a thrown finding from a death: the report re-runs it to find out).
    /// </summary>
    public IEnumerable<RawFinding> RawFindings()
    {
        foreach (var path in Files(Path.Combine(InProcess, "findings")))
        {
            var name = Path.GetFileName(path);
            yield return new RawFinding("inproc-" + name, path, name.StartsWith("hang-", StringComparison.Ordinal) ? RawKind.Hang : RawKind.Exception);
        }
        foreach (var path in Files(Path.Combine(InProcess, "crashes")))
        {
            yield return new RawFinding("inproc-" + Path.GetFileName(path), path, RawKind.Crash);
        }
        if (!Directory.Exists(Afl))
        {
            yield break;
        }
        foreach (var instance in Directory.EnumerateDirectories(Afl).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal))
        {
            foreach (var (folder, kind) in new[] { ("crashes", RawKind.AflCrash), ("hangs", RawKind.Hang) })
            {
                foreach (var path in Files(Path.Combine(instance, folder)).Where(p => Path.GetFileName(p).StartsWith("id:", StringComparison.Ordinal)))
                {
                    // id:000003,sig:06,src:...: the id is unique within the instance and folder.
                    var id = Path.GetFileName(path).Split(',')[0].Replace(':', '-');
                    yield return new RawFinding($"afl-{Path.GetFileName(instance)}-{folder}-{id}", path, kind);
                }
            }
        }
    }

    private static IEnumerable<string> Files(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder)
                .Where(p => !p.EndsWith(".txt", StringComparison.Ordinal) && !p.EndsWith(".tmp", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
            : [];
}

public enum RawKind
{
    Exception,
    Hang,
    Crash,
    AflCrash,
}

/// <summary>An input an engine saved.</summary>
public sealed record RawFinding(string Key, string Path, RawKind Kind);
