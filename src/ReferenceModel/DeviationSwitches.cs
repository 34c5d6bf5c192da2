namespace PmuConformance.ReferenceModel;

/// <summary>
/// The known kernel deviations the model can switch on (behaviour.md section 13; the ledger
/// src/ScenarioLanguage/Deviations/ledger.txt says what each is and which kernels show it). One
/// name per deviation, used at the one place the deviating rule decides.
/// </summary>
public static class DeviationSwitches
{
    /// <summary>KD1 (7.2): SET_NR_COUNTERS is accepted after the VM has run.</summary>
    public const string SetNrCountersAfterRun = "KD1";

    /// <summary>KD2 (7.2): a failed first KVM_RUN already decides whether PMUVer 0 hides the PMU.</summary>
    public const string FailedRunFixesPmuVisibility = "KD2";

    /// <summary>KD3 (6.12, 7.2): an LC/LP change does not reprogram a counting counter's overflow width.</summary>
    public const string OverflowWidthFixedWhenProgrammed = "KD3";

    /// <summary>KD4 (6.12): SET_ONE_REG of the SET/CLR encodings sets or clears bits like a guest write.</summary>
    public const string SetClrActLikeGuestWrites = "KD4";

    /// <summary>KD5 (6.1): SET_ONE_REG stores PMCNTEN/PMINTEN/PMOVS unmasked.</summary>
    public const string UnmaskedCounterSets = "KD5";

    /// <summary>KD6 (all three): SET_ONE_REG stores PMEVTYPER, PMCCFILTR and PMSELR unmasked.</summary>
    public const string UnmaskedTypeStores = "KD6";

    /// <summary>KD7 (all three): SET_ONE_REG of PMCR keeps P and C (and on 7.2 LP below V3P5).</summary>
    public const string PmcrResetBitsKept = "KD7";

    /// <summary>KD8 (6.1): the cycle counter overflows at 64 bits whatever PMCR.LC says.</summary>
    public const string CycleCounterIgnoresLc = "KD8";

    /// <summary>KD10 (7.2): a reload outside vEL2 trims the hyp counters' enable, interrupt and overflow bits.</summary>
    public const string ReloadTrimsHypCounters = "KD10";

    /// <summary>KD11 (7.2, nested): SET_ONE_REG of MDCR_EL2 stores HPMN above N unclamped.</summary>
    public const string UnclampedHpmn = "KD11";

    /// <summary>KD12 (6.1, 6.12): a SET_ONE_REG after the vCPU's first run does not reprogram its counters.</summary>
    public const string RestoreNotReprogrammed = "KD12";

    /// <summary>KD13 (7.2): a vCPU reset does not reprogram its counters: those that counted keep counting.</summary>
    public const string ResetKeepsCounting = "KD13";

    /// <summary>KD14 (6.1, 6.12): a SET_ONE_REG of a counter's value makes it count whatever PMCR.E and PMCNTENSET say.</summary>
    public const string CounterRestoreCounts = "KD14";

    /// <summary>KD15 (7.2, nested): an MDCR_EL2 write at vEL2 that changes HPMD or HPMN but not HPME reprograms no counter.</summary>
    public const string MdcrChangeNotReprogrammed = "KD15";

    /// <summary>KD16 (7.2): with the PMU hidden, PMXEVTYPER/PMXEVCNTR with PMSELR.SEL = 31 still reach the cycle counter.</summary>
    public const string HiddenPmuCycleCounterReachable = "KD16";
}
