namespace PmuConformance.Fuzz.Toy;

/// <summary>Thrown where a planted bug is reached: what the fuzzers are meant to find.</summary>
public sealed class ToyBugException(string message) : Exception(message);
