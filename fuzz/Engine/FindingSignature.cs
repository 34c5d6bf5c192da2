namespace PmuConformance.Fuzz.Engine;

/// <summary>
/// Implemented by exceptions a target throws on purpose to report a finding (a divergence between
/// two implementations, say). Such exceptions are all thrown from the same place, so the usual
/// de-duplication by type and top stack frames would keep only the first of them; the engine uses
/// <see cref="FindingSignature"/> instead, so that different failures are all kept.
/// </summary>
public interface IFindingSignature
{
    /// <summary>What identifies this failure: equal for inputs that show the same failure.</summary>
    string FindingSignature { get; }
}
