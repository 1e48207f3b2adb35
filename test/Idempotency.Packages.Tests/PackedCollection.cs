namespace Idempotency.Packages.Tests;

/// <summary>The test classes that read the packed packages share one packing.</summary>
[CollectionDefinition(Name)]
public sealed class PackedCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "packed packages";
}
