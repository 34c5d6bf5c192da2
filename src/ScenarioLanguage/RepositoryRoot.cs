namespace PmuConformance.Scenarios;

/// <summary>
/// The checkout a tool runs from: the nearest folder holding PmuConformance.sln above the working
/// directory or the program. The corpus, the findings folder and the kernel cache live there.
/// </summary>
public static class RepositoryRoot
{
    public const string SolutionFile = "PmuConformance.sln";

    /// <summary>The repository root, or the working directory when the tool runs outside a checkout.</summary>
    public static string Path { get; } = Find() ?? Directory.GetCurrentDirectory();

    private static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }
}
