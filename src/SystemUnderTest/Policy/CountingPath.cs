namespace PmuConformance.SystemUnderTest;

/// <summary>
/// How a counter advances (behaviour.md section 5): the filter decision
/// (<see cref="IEmulatorPolicy.FilterApplies"/>) depends on it.
/// </summary>
public enum CountingPath
{
    /// <summary>C5: the hardware counts an event it is programmed with (every counter but SW_INCR and CHAIN ones, C2).</summary>
    HardwareEvents,

    /// <summary>C6: KVM increments a SW_INCR counter on a PMSWINC write.</summary>
    SoftwareIncrement,

    /// <summary>C7: KVM increments a CHAIN counter when its even neighbour overflows.</summary>
    Chain,
}
