using System.IO.Compression;
using System.Xml.Linq;
using Idempotency.TestServers;

namespace Idempotency.Packages.Tests;

/// <summary>What a package page and a debugger read from the packed packages: README, metadata, symbols.</summary>
[Collection(PackedCollection.Name)]
public sealed class PackageContentTests(PackedPackages packed)
{
    public static TheoryData<string> Ids => [.. PackedPackages.Ids];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Package_CarriesItsReadmeDescriptionTagsAndLicense(string id)
    {
        using var package = ZipFile.OpenRead(packed.Package(id));
        var metadata = Metadata(package, id);

        Assert.Equal(id, Value(metadata, "id"));
        Assert.Equal(packed.Version, Value(metadata, "version"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Equal(
            File.ReadAllText(Path.Combine(RepositoryFolder.Root, "src", id, "README.md")),
            new StreamReader(package.GetEntry("README.md")!.Open()).ReadToEnd());
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        Assert.Contains("idempotency", Value(metadata, "tags").Split(' '));
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.dll"));
        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Package_NamesTheCommitItWasBuiltFrom_AndHasASymbolsPackage(string id)
    {
        using var package = ZipFile.OpenRead(packed.Package(id));
        var repository = Metadata(package, id).Elements().Single(e => e.Name.LocalName == "repository");

        // SourceLink reads the commit from the clone; the repository URL only when the clone has a remote.
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit"));

        using var symbols = ZipFile.OpenRead(packed.Symbols(id));
        Assert.NotNull(symbols.GetEntry($"lib/net10.0/{id}.pdb"));
    }

    [Fact]
    public void CorePackage_CarriesTheSourceGenerator()
    {
        using var package = ZipFile.OpenRead(packed.Package("Idempotency"));

        Assert.NotNull(package.GetEntry("analyzers/dotnet/cs/Idempotency.Generators.dll"));
    }

    private static XElement Metadata(ZipArchive package, string id)
    {
        using var nuspec = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
}
