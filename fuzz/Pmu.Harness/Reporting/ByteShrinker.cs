namespace PmuConformance.Fuzz.Pmu.Reporting;

/// <summary>
/// Delta debugging over bytes for the text targets: removes runs of bytes (halves, quarters ...
/// single bytes) while the input still fails the same way, within a budget of executions.
/// </summary>
public static class ByteShrinker
{
    public static byte[] Shrink(byte[] input, Func<byte[], bool> stillFails, int maxExecutions = 5000)
    {
        var current = input;
        var executions = 0;
        for (var chunk = Math.Max(1, current.Length / 2); chunk >= 1 && executions < maxExecutions; chunk /= 2)
        {
            bool removed;
            do
            {
                removed = false;
                for (var start = current.Length - chunk; start >= 0 && executions < maxExecutions; start -= chunk)
                {
                    byte[] candidate = [.. current.AsSpan(0, start), .. current.AsSpan(start + chunk)];
                    executions++;
                    if (stillFails(candidate))
                    {
                        current = candidate;
                        removed = true;
                    }
                }
            }
            while (removed && executions < maxExecutions);
        }
        return current;
    }
}
