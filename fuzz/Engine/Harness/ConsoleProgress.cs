namespace PmuConformance.Fuzz.Engine.Harness;

/// <summary>Prints each progress snapshot as one line, synchronously (no thread-pool posting).</summary>
internal sealed class ConsoleProgress<T> : IProgress<T>
{
    public void Report(T value) => Console.WriteLine(value);
}
