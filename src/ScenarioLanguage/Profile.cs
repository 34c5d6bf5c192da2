namespace PmuConformance.Scenarios;

/// <summary>A kernel whose behaviour a target reproduces (behaviour.md section 10).</summary>
public enum KernelProfile
{
    V6_1,
    V6_12,
    V7_2,
}

public static class KernelProfiles
{
    public const KernelProfile Default = KernelProfile.V7_2;

    public static string Name(KernelProfile profile) => profile switch
    {
        KernelProfile.V6_1 => "6.1",
        KernelProfile.V6_12 => "6.12",
        KernelProfile.V7_2 => "7.2",
        _ => throw new ArgumentOutOfRangeException(nameof(profile)),
    };

    public static bool TryParse(string text, out KernelProfile profile)
    {
        foreach (var candidate in Enum.GetValues<KernelProfile>())
        {
            if (Name(candidate) == text)
            {
                profile = candidate;
                return true;
            }
        }
        profile = Default;
        return false;
    }
}
