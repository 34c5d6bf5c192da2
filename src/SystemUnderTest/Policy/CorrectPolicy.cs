namespace PmuConformance.SystemUnderTest;

/// <summary>
/// Every decision as behaviour.md states it (profile 7.2): it takes every default of
/// <see cref="IEmulatorPolicy"/>. The emulator proper.
/// </summary>
public struct CorrectPolicy : IEmulatorPolicy;
