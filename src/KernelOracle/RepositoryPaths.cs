using PmuConformance.Scenarios;

namespace PmuConformance.KernelOracle;

/// <summary>Where the oracle finds its probe sources and its cache of kernels.</summary>
public static class RepositoryPaths
{
    public static string Root => RepositoryRoot.Path;

    public static string ProbeSources => Path.Combine(Root, "src", "KernelOracle", "probe");

    public static string Cache => Path.Combine(Root, ".cache");

    public static string Kernels => Path.Combine(Cache, "kernels");
}
