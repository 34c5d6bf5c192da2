using PmuConformance.Scenarios;

namespace PmuConformance.ReferenceModel;

/// <summary>
/// One counter of a model vCPU as an observer sees it (the kernel projection judges a real kernel's
/// counts from it): its value, how far it is from its next wrap, whether a hardware event would
/// advance it, and whether its overflow feeds a CHAIN neighbour. Read-only: it changes nothing and
/// cites no rule.
/// </summary>
public readonly struct CounterView
{
    private readonly ModelVcpu vcpu;

    internal CounterView(ModelVcpu vcpu, int index)
    {
        this.vcpu = vcpu;
        Index = index;
    }

    /// <summary>0-30 for event counters, 31 for the cycle counter.</summary>
    public int Index { get; }

    /// <summary>The counter's stored value.</summary>
    public ulong Value => vcpu.CounterValue(Index);

    /// <summary>O1, O4: the events left until the counter wraps, at the width it wraps at now.</summary>
    public ulong DistanceToOverflow => vcpu.DistanceToOverflow(Index);

    /// <summary>C7: whether its overflow would increment its CHAIN neighbour now.</summary>
    public bool FeedsChain => vcpu.FeedsChain(Index);

    /// <summary>C5: whether one occurrence of hardware event <paramref name="e"/> at <paramref name="el"/> advances it now.</summary>
    public bool CountsHardwareEvent(ushort e, GuestEl el) => vcpu.CountsHardwareEvent(Index, e, el);
}
