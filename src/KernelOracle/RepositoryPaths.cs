namespace PmuConformance.KernelOracle;

/// <summary>Where the oracle finds its probe sources and its cache of kernels.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root: the nearest folder above the working directory or the program holding PmuConformance.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string ProbeSources => Path.Combine(Root, "src", "KernelOracle", "probe");

    public static string Cache => Path.Combine(Root, ".cache");

    public static string Kernels => Path.Combine(Cache, "kernels");

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PmuConformance.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
