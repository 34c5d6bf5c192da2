namespace PmuConformance.Scenarios;

/// <summary>
/// The target itself could not run (a kernel that does not boot, QEMU missing, the probe not
/// built): the harness's failure, never a finding about the target's behaviour. Commands report it
/// once, as an error, instead of charging it to every scenario of the batch.
/// </summary>
public sealed class TargetFailureException(string message) : Exception(message);
