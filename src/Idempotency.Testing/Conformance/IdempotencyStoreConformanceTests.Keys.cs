using Xunit;

namespace Idempotency.Testing;

// Store keys: up to the longest the engine builds, every character it uses, compared ordinally.
public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>
    /// The longest store key the engine builds (369 characters, the core's <c>StoreKey.MaxLength</c>: prefix, service
    /// and operation of 100 characters each, a scope hash and a digest) goes through a whole life cycle.
    /// </summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_LongestStoreKey_RoundTrips()
    {
        var key = ConformanceKeys.Longest();
        Assert.Equal(ConformanceKeys.MaxLength, key.Length);

        await AssertLifeCycleAsync(key);
    }

    /// <summary>A key holding every character a store key may contain (<c>[A-Za-z0-9._/-:]</c>) goes through a whole life cycle.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_KeyWithEveryAllowedCharacter_RoundTrips()
    {
        var key = ConformanceKeys.Create(ConformanceKeys.AllowedCharacters.Replace(":", string.Empty, StringComparison.Ordinal), service: "conformance-every_char/v1.0", scope: "A-_z09");
        foreach (var character in ConformanceKeys.AllowedCharacters)
        {
            Assert.Contains(character, key);
        }

        await AssertLifeCycleAsync(key);
    }

    /// <summary>The same key under different prefixes (or services) names different records: claiming and completing one leaves the others absent.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_SameKeyUnderDifferentPrefixes_DoNotCollide()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var rest = $"conformance:{nameof(ClaimAsync_SameKeyUnderDifferentPrefixes_DoNotCollide)}::{ConformanceKeys.Digest()}";
        var keys = new[] { $"idem:{rest}", $"other:{rest}", $"idem2:{rest}", $"idem:{rest.Replace("conformance:", "conformance2:", StringComparison.Ordinal)}" };
        var tokens = keys.Select(_ => NewToken()).ToArray();
        var claimedAt = Clock.GetUtcNow();

        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Null(await GetAsync(store, keys[i]));
            Assert.True((await ClaimAsync(store, keys[i], tokens[i], $"fp-{i}")).IsAcquired);
        }

        Assert.True(await CompleteAsync(store, keys[0], tokens[0], Bytes("first")));
        RecordAssert.Matches(Completed(InProgress(keys[0], tokens[0], "fp-0", claimedAt), Bytes("first"), claimedAt), await GetAsync(store, keys[0]));
        for (var i = 1; i < keys.Length; i++)
        {
            RecordAssert.Matches(InProgress(keys[i], tokens[i], $"fp-{i}", claimedAt), await GetAsync(store, keys[i]));
        }
    }

    /// <summary>Keys are compared ordinally: keys that differ only in letter case (base64url digests do) are different records.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_KeysDifferingOnlyInCase_DoNotCollide()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var digest = "aB" + ConformanceKeys.Digest()[2..];
        var lower = $"idem:conformance:{nameof(ClaimAsync_KeysDifferingOnlyInCase_DoNotCollide)}::{digest}";
        var upper = $"idem:conformance:{nameof(ClaimAsync_KeysDifferingOnlyInCase_DoNotCollide)}::Ab{digest[2..]}";
        var lowerToken = NewToken();
        var upperToken = NewToken();

        Assert.True((await ClaimAsync(store, lower, lowerToken)).IsAcquired);
        Assert.Null(await GetAsync(store, upper));
        Assert.True((await ClaimAsync(store, upper, upperToken)).IsAcquired);

        Assert.Equal(lowerToken, (await GetAsync(store, lower))!.OwnerToken);
        Assert.Equal(upperToken, (await GetAsync(store, upper))!.OwnerToken);
        Assert.True(await store.DeleteAsync(upper, CancellationToken.None));
        Assert.Equal(lowerToken, (await GetAsync(store, lower))!.OwnerToken);
    }

    /// <summary>A key that is a prefix of another names a different record.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_KeyPrefixOfAnother_DoesNotCollide()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var shorter = NewKey();
        var longer = shorter + "x";
        var shorterToken = NewToken();
        var longerToken = NewToken();

        Assert.True((await ClaimAsync(store, shorter, shorterToken)).IsAcquired);
        Assert.True((await ClaimAsync(store, longer, longerToken)).IsAcquired);
        Assert.True(await store.ReleaseAsync(shorter, shorterToken, CancellationToken.None));

        Assert.Null(await GetAsync(store, shorter));
        Assert.Equal(longerToken, (await GetAsync(store, longer))!.OwnerToken);
    }

    // claim -> held -> complete -> replayed -> read -> delete, all on one key.
    private async Task AssertLifeCycleAsync(string key)
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var token = NewToken();
        var claimed = InProgress(key, token, "fingerprint", Clock.GetUtcNow());

        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        RecordAssert.Matches(claimed, (await ClaimAsync(store, key, NewToken())).Existing);
        Assert.True(await RenewAsync(store, key, token));
        Assert.True(await CompleteAsync(store, key, token, Bytes("result")));
        var completed = Completed(claimed, Bytes("result"), claimed.CreatedAt);
        RecordAssert.Matches(completed, (await ClaimAsync(store, key, NewToken())).Existing);
        RecordAssert.Matches(completed, await GetAsync(store, key));
        Assert.True(await store.DeleteAsync(key, CancellationToken.None));
        Assert.Null(await GetAsync(store, key));
        var again = NewToken();
        Assert.True((await ClaimAsync(store, key, again)).IsAcquired);
        Assert.True(await store.ReleaseAsync(key, again, CancellationToken.None));
        Assert.Null(await GetAsync(store, key));
    }
}
