using Xunit;

namespace Idempotency.Testing;

// delete(key) and purge(now, batch): administration and clean-up.
public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>Deleting removes a record whatever its state and reports it; the key can be claimed again, and a second delete finds nothing.</summary>
    /// <param name="state">The state the record is in when deleted.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData("InProgress")]
    [InlineData("Completed")]
    [InlineData("Failed")]
    [InlineData("FailedRetryable")]
    [InlineData("LeaseExpired")]
    public async Task DeleteAsync_AnyState_RemovesRecord(string state)
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        switch (state)
        {
            case "Completed":
                Assert.True(await CompleteAsync(store, key, token, Bytes("result")));
                break;
            case "Failed":
            case "FailedRetryable":
                Assert.True(await FailAsync(store, key, token, Bytes("error"), retryable: state == "FailedRetryable"));
                break;
            case "LeaseExpired":
                await AdvanceAsync(DefaultLease + TimeSpan.FromSeconds(1));
                break;
        }

        Assert.NotNull(await GetAsync(store, key));

        Assert.True(await store.DeleteAsync(key, CancellationToken.None));

        Assert.Null(await GetAsync(store, key));
        Assert.False(await store.DeleteAsync(key, CancellationToken.None));
        Assert.False(await CompleteAsync(store, key, token, Bytes("late result")));
        Assert.Null(await GetAsync(store, key));
        Assert.True((await ClaimAsync(store, key, NewToken())).IsAcquired);
    }

    /// <summary>Deleting a key nobody claimed reports that nothing was removed.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task DeleteAsync_AbsentKey_ReturnsFalse()
    {
        await using var scope = await OpenAsync();

        Assert.False(await scope.Store.DeleteAsync(NewKey(), CancellationToken.None));
    }

    /// <summary>
    /// Purging removes expired records in batches no larger than asked, and never a live record: live records read back
    /// unchanged (an in-progress record whose lease ran out included), expired ones are gone. Stores with native expiry
    /// may delete nothing here (and return 0); the assertions hold for both kinds.
    /// </summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task PurgeAsync_ExpiredAndLiveRecords_RemovesOnlyExpiredInBoundedBatches()
    {
        const int BatchSize = 2;
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var shortTtl = TimeSpan.FromMinutes(1);
        var expired = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var key = NewKey();
            var token = NewToken();
            Assert.True((await ClaimAsync(store, key, token, ttl: shortTtl)).IsAcquired);
            switch (i % 3)
            {
                case 1:
                    Assert.True(await CompleteAsync(store, key, token, Bytes("result"), shortTtl));
                    break;
                case 2:
                    Assert.True(await FailAsync(store, key, token, Bytes("error"), retryable: false, shortTtl));
                    break;
            }

            expired.Add(key);
        }

        var createdAt = Clock.GetUtcNow();
        var completedKey = NewKey();
        var completedToken = NewToken();
        Assert.True((await ClaimAsync(store, completedKey, completedToken)).IsAcquired);
        Assert.True(await CompleteAsync(store, completedKey, completedToken, Bytes("kept")));
        var failedKey = NewKey();
        var failedToken = NewToken();
        Assert.True((await ClaimAsync(store, failedKey, failedToken)).IsAcquired);
        Assert.True(await FailAsync(store, failedKey, failedToken, Bytes("kept error"), retryable: true));
        var staleKey = NewKey();
        var staleToken = NewToken();
        Assert.True((await ClaimAsync(store, staleKey, staleToken, lease: TimeSpan.FromSeconds(10))).IsAcquired);
        await AdvanceAsync(TimeSpan.FromMinutes(2));

        // Other tests sharing the server may leave expired records too, so purge until a batch comes back short.
        for (var calls = 0; ; calls++)
        {
            Assert.True(calls < 100_000, "PurgeExpiredAsync kept returning full batches.");
            var purged = await store.PurgeExpiredAsync(Clock.GetUtcNow(), BatchSize, CancellationToken.None);
            Assert.InRange(purged, 0, BatchSize);
            if (purged < BatchSize)
            {
                break;
            }
        }

        foreach (var key in expired)
        {
            Assert.Null(await GetAsync(store, key));
        }

        RecordAssert.Matches(Completed(InProgress(completedKey, completedToken, "fingerprint", createdAt), Bytes("kept"), createdAt), await GetAsync(store, completedKey));
        RecordAssert.Matches(Failed(InProgress(failedKey, failedToken, "fingerprint", createdAt), Bytes("kept error"), retryable: true, createdAt), await GetAsync(store, failedKey));
        RecordAssert.Matches(InProgress(staleKey, staleToken, "fingerprint", createdAt, TimeSpan.FromSeconds(10)), await GetAsync(store, staleKey));
        Assert.True(await CompleteAsync(store, staleKey, staleToken, Bytes("stale owner finished")));
        foreach (var key in expired)
        {
            Assert.True((await ClaimAsync(store, key, NewToken())).IsAcquired);
        }
    }
}
