using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PmuConformance.Properties.Corpus;

namespace PmuConformance.Properties.Cli;

/// <summary>
/// `dotnet tool restore && dotnet pmuconf` in a clone runs the committed package
/// tools/packages/pmuconf-repo.*.nupkg: it must be the one the tool manifest names, and built from
/// the launcher's current sources (scripts/pack-launcher.sh rebuilds it).
/// </summary>
public sealed class LauncherPackageTests
{
    private static string Root => RepositoryFiles.RepositoryRoot;

    [Fact]
    public void The_tool_manifest_names_the_committed_launcher_package()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, ".config", "dotnet-tools.json")));
        var tool = manifest.RootElement.GetProperty("tools").GetProperty("pmuconf-repo");
        tool.GetProperty("commands")[0].GetString().ShouldBe("pmuconf");
        var version = tool.GetProperty("version").GetString();
        File.Exists(Path.Combine(Root, "tools", "packages", $"pmuconf-repo.{version}.nupkg")).ShouldBeTrue();
        File.ReadAllText(Path.Combine(Root, "nuget.config")).ShouldContain("value=\"tools/packages\"");
    }

    [Fact]
    public void The_committed_launcher_package_is_built_from_the_current_sources()
    {
        var package = Directory.GetFiles(Path.Combine(Root, "tools", "packages"), "pmuconf-repo.*.nupkg").ShouldHaveSingleItem();
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.GetEntry("launcher-source.sha256").ShouldNotBeNull().Open());
        reader.ReadToEnd().Trim().ShouldBe(SourceHash(), "tools/pmuconf-launcher changed: run scripts/pack-launcher.sh");
        zip.GetEntry("tools/net10.0/any/pmuconf-launcher.dll").ShouldNotBeNull();
    }

    /// <summary>As scripts/pack-launcher.sh: sha256 over each source file's name, a newline and its bytes, in name order.</summary>
    private static string SourceHash()
    {
        var folder = Path.Combine(Root, "tools", "pmuconf-launcher");
        var files = Directory.GetFiles(folder, "*.cs").Concat(Directory.GetFiles(folder, "*.csproj"))
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);
        var bytes = new List<byte>();
        foreach (var name in files)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(name + "\n"));
            bytes.AddRange(File.ReadAllBytes(Path.Combine(folder, name)));
        }
        return Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray()));
    }
}
