using System.Xml.Linq;
using Idempotency.TestServers;

namespace Idempotency.Packages.Tests;

/// <summary>Every project under src/ that packs says what it is: its own README, a description and its own tags.</summary>
public sealed class SourceProjectTests
{
    public static TheoryData<string> PackedProjects => [.. PackedProjectNames()];

    [Theory]
    [MemberData(nameof(PackedProjects))]
    public void PackedProject_HasItsReadmeDescriptionAndTags(string name)
    {
        var folder = Path.Combine(RepositoryFolder.Root, "src", name);
        var project = XDocument.Load(Path.Combine(folder, $"{name}.csproj"));

        Assert.True(File.Exists(Path.Combine(folder, "README.md")), $"src/{name} has no README.md.");
        Assert.False(string.IsNullOrWhiteSpace(project.Descendants("Description").SingleOrDefault()?.Value), $"src/{name} has no Description.");

        // Its own tags after everyone's: src/Directory.Build.props sets those.
        var tags = project.Descendants("PackageTags").SingleOrDefault()?.Value ?? "";
        Assert.StartsWith("$(PackageTags);", tags, StringComparison.Ordinal);
        Assert.True(tags.Length > "$(PackageTags);".Length, $"src/{name} adds no tag of its own.");
    }

    [Fact]
    public void PackedProjects_AreEveryPackageTheReadmeLists()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryFolder.Root, "README.md"));

        Assert.All(PackedProjectNames(), name => Assert.Contains($"| `{name}` |", readme, StringComparison.Ordinal));
    }

    private static IEnumerable<string> PackedProjectNames() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryFolder.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(path => XDocument.Load(path).Descendants("IsPackable").All(e => e.Value != "false"))
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal)!;
}
