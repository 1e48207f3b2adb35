namespace Idempotency.Tests.Keys;

// SPEC §2 and §3.13: composite keys are unambiguous; UUID keys are version 4.
public sealed class IdempotencyKeysTests
{
    [Fact]
    public void Composite_ColonMovedBetweenParts_GivesDifferentKeys()
    {
        Assert.NotEqual(IdempotencyKeys.Composite("a:b", "c"), IdempotencyKeys.Composite("a", "b:c"));
    }

    [Fact]
    public void Composite_SeparatorLikeContent_GivesDifferentKeys()
    {
        Assert.NotEqual(IdempotencyKeys.Composite("a,b"), IdempotencyKeys.Composite("a", "b"));
        Assert.NotEqual(IdempotencyKeys.Composite("1:a,"), IdempotencyKeys.Composite("a"));
        Assert.NotEqual(IdempotencyKeys.Composite("ab", "c"), IdempotencyKeys.Composite("a", "bc"));
        Assert.NotEqual(IdempotencyKeys.Composite("~,"), IdempotencyKeys.Composite(null, null));
    }

    [Fact]
    public void Composite_NullAndEmpty_GiveDifferentKeys()
    {
        Assert.NotEqual(IdempotencyKeys.Composite((string?)null), IdempotencyKeys.Composite(string.Empty));
        Assert.NotEqual(IdempotencyKeys.Composite("a", null), IdempotencyKeys.Composite("a", string.Empty));
        Assert.NotEqual(IdempotencyKeys.Composite("a"), IdempotencyKeys.Composite("a", string.Empty));
        Assert.NotEqual(IdempotencyKeys.Composite("a"), IdempotencyKeys.Composite("a", null));
    }

    [Fact]
    public void Composite_SameParts_GiveSameKey()
    {
        Assert.Equal(IdempotencyKeys.Composite("order", "42", null, string.Empty), IdempotencyKeys.Composite("order", "42", null, string.Empty));
    }

    [Fact]
    public void Composite_Encoding_IsLengthPrefixed()
    {
        Assert.Equal("3:a:b,1:c,", IdempotencyKeys.Composite("a:b", "c"));
        Assert.Equal("1:a,3:b:c,", IdempotencyKeys.Composite("a", "b:c"));
        Assert.Equal("~,0:,", IdempotencyKeys.Composite(null, string.Empty));
        Assert.Equal(string.Empty, IdempotencyKeys.Composite());
    }

    [Fact]
    public async Task Composite_UsedAsKeys_AreSeparateExecutions()
    {
        using var harness = new EngineHarness();
        var runs = 0;

        await harness.RunAsync(new IdempotencyRequest("orders", IdempotencyKeys.Composite("a:b", "c")), () => Interlocked.Increment(ref runs));
        var second = await harness.RunAsync(new IdempotencyRequest("orders", IdempotencyKeys.Composite("a", "b:c")), () => Interlocked.Increment(ref runs));

        Assert.Equal(2, runs);
        Assert.Equal(IdempotencyOutcome.Executed, second.Outcome);
    }

    [Fact]
    public void NewUuid_IsLowerCaseVersion4WithRfcVariant()
    {
        for (var i = 0; i < 200; i++)
        {
            var key = IdempotencyKeys.NewUuid();

            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", key);
            Assert.Equal(4, Guid.Parse(key).Version);
        }
    }

    [Fact]
    public void NewUuid_ManyCalls_AreUnique()
    {
        var keys = Enumerable.Range(0, 10_000).Select(_ => IdempotencyKeys.NewUuid()).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(10_000, keys.Count);
    }
}
