using PmuConformance.Fuzz.Engine.Storage;

namespace PmuConformance.Fuzz.Engine.Harness;

/// <summary>The <c>run</c> command: runs saved inputs once each and prints what they do.</summary>
internal static class Reproducer
{
    public static int Run(FuzzTargetDefinition definition, IReadOnlyList<string> paths)
    {
        Func<Exception, bool> isFinding = definition.IsFinding ?? (_ => true);
        IEnumerable<string> files = paths.SelectMany<string, string>(path => Directory.Exists(path)
            ? Directory.EnumerateFiles(path)
                .Where(f => !f.EndsWith(OutputLayout.ReportExtension, StringComparison.Ordinal) && Path.GetFileName(f) != "README.txt")
                .Order(StringComparer.Ordinal)
            : [path]);
        int findings = 0;
        foreach (string file in files)
        {
            byte[] input = File.ReadAllBytes(file);
            Exception? thrown = TargetThread.Run(() =>
            {
                try
                {
                    definition.Target(input);
                    return null;
                }
                catch (Exception e)
                {
                    return e;
                }
            });
            if (thrown is not null && isFinding(thrown))
            {
                findings++;
                Console.WriteLine($"FINDING {file}\n{thrown}\n");
            }
            else
            {
                Console.WriteLine(thrown is null ? $"ok      {file}" : $"ok      {file} (rejected: {thrown.GetType().Name})");
            }
        }

        return findings > 0 ? HarnessExitCodes.Findings : HarnessExitCodes.Ok;
    }
}
