namespace Idempotency.Tests.Keys;

// SPEC §2: store keys are {prefix}:{service}:{operation}:{scope}:{digest}, bounded, and hold no raw key or scope.
public sealed class StoreKeyTests
{
    [Fact]
    public void Create_NoScope_HasFiveSegmentsAndADigest()
    {
        var key = StoreKey.Create("idem", "billing", "orders", null, "customer-42@example.com");

        Assert.Matches("^idem:billing:orders::[A-Za-z0-9_-]{43}$", key);
        Assert.DoesNotContain("customer-42", key, StringComparison.Ordinal);
        Assert.Equal("idem:billing:orders::" + ContentHash.Compute("customer-42@example.com"u8), key);
    }

    [Fact]
    public void Create_WithScope_HashesTheScope()
    {
        var key = StoreKey.Create("idem", "billing", "orders", "tenant-secret", "k1");

        Assert.Matches("^idem:billing:orders:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}$", key);
        Assert.DoesNotContain("tenant", key, StringComparison.Ordinal);
        Assert.DoesNotContain(":k1", key, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_EmptyScope_IsTheSameAsNoScope()
    {
        Assert.Equal(StoreKey.Create("idem", "s", "op", null, "k"), StoreKey.Create("idem", "s", "op", string.Empty, "k"));
    }

    [Fact]
    public void Create_DifferentServiceOperationOrScope_NeverCollide()
    {
        var keys = new[]
        {
            StoreKey.Create("idem", "a", "op", null, "k"),
            StoreKey.Create("idem", "b", "op", null, "k"),
            StoreKey.Create("idem", "a", "op2", null, "k"),
            StoreKey.Create("idem", "a", "op", "t1", "k"),
            StoreKey.Create("idem", "a", "op", "t2", "k"),
            StoreKey.Create("other", "a", "op", null, "k"),
            StoreKey.Create("idem", "a", "op", null, "K"),
        };

        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Create_LongestNamesAndKey_StaysWithinMaxLength()
    {
        var name = new string('n', 100);

        var key = StoreKey.Create(name, name, name, new string('s', 10_000), new string('k', 4096));

        Assert.Equal(StoreKey.MaxLength, key.Length);
        Assert.Equal(369, StoreKey.MaxLength); // 3 × 100-character names, a 22-character scope digest, a 43-character key digest, 4 colons
    }

    [Fact]
    public void Create_NonAsciiKeyAndScope_AreHashedAsUtf8()
    {
        var key = StoreKey.Create("idem", "s", "op", null, "clé");

        Assert.EndsWith(":" + ContentHash.Compute("clé"u8), key, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orders", true)]
    [InlineData("Orders.v2/create_item-x", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("a:b", false)]
    [InlineData("a b", false)]
    [InlineData("é", false)]
    public void IsValidSegment_Names_AreCheckedStrictly(string? name, bool valid)
    {
        Assert.Equal(valid, StoreKey.IsValidSegment(name));
    }

    [Fact]
    public void IsValidSegment_LengthLimit_Is100()
    {
        Assert.True(StoreKey.IsValidSegment(new string('a', 100)));
        Assert.False(StoreKey.IsValidSegment(new string('a', 101)));
    }
}
