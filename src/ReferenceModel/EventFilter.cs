namespace PmuConformance.ReferenceModel;

/// <summary>
/// The VM's event filter bitmap (behaviour.md section 3). A bit per event of the filter space;
/// a set bit means the event is allowed.
/// </summary>
public sealed class EventFilter
{
    private readonly bool[] allowed;
    private readonly bool defaultAllowed;

    /// <summary>B1: the first successful call creates the bitmap with the opposite of its action.</summary>
    public EventFilter(uint space, bool firstActionIsAllow)
    {
        defaultAllowed = !firstActionIsAllow;
        allowed = new bool[space];
        Array.Fill(allowed, defaultAllowed);
    }

    /// <summary>B2: set (allow) or clear (deny) the bits of [base, base + count); last writer wins.</summary>
    public void Apply(bool allow, uint baseEvent, uint count)
    {
        for (var e = baseEvent; e < baseEvent + count; e++)
        {
            allowed[e] = allow;
        }
    }

    /// <summary>
    /// B5: whether event <paramref name="e"/> is allowed. Lookups past the filter space only come
    /// from PMCEID (P4) on tiny spaces; the kernel allocates whole 64-bit words filled with the
    /// default, so such bits read as the default.
    /// </summary>
    public bool Allows(uint e) => e < allowed.Length ? allowed[e] : defaultAllowed;
}
