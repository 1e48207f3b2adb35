using Xunit;

namespace Idempotency.Testing;

// claim(key, fingerprint, now, lease, ttl): acquire when no live record holds the key, else return that record.
public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>A claim on an absent key acquires it, and the key then reads back in progress with every field the claim wrote.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_AbsentKey_AcquiresAndWritesInProgressRecord()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimedAt = Clock.GetUtcNow();

        var result = await ClaimAsync(store, key, token, "fp-1", TimeSpan.FromSeconds(45), TimeSpan.FromHours(2));

        Assert.True(result.IsAcquired);
        Assert.Null(result.Existing);
        RecordAssert.Matches(InProgress(key, token, "fp-1", claimedAt, TimeSpan.FromSeconds(45), TimeSpan.FromHours(2)), await GetAsync(store, key));
    }

    /// <summary>A claim on a key in progress under a live lease returns that record, complete, in the same call, and changes nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_LiveInProgress_ReturnsExistingRecord()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimedAt = Clock.GetUtcNow();
        Assert.True((await ClaimAsync(store, key, token, "fp-1")).IsAcquired);
        await AdvanceAsync(TimeSpan.FromSeconds(10));

        var result = await ClaimAsync(store, key, NewToken(), "fp-2", TimeSpan.FromMinutes(5), TimeSpan.FromDays(1));

        Assert.False(result.IsAcquired);
        var expected = InProgress(key, token, "fp-1", claimedAt);
        RecordAssert.Matches(expected, result.Existing);
        RecordAssert.Matches(expected, await GetAsync(store, key));
    }

    /// <summary>One millisecond before the lease ends the owner still holds the key.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_OneMillisecondBeforeLeaseEnds_ReturnsExisting()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimedAt = Clock.GetUtcNow();
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        await AdvanceAsync(DefaultLease - OneMillisecond);

        var result = await ClaimAsync(store, key, NewToken());

        Assert.False(result.IsAcquired);
        RecordAssert.Matches(InProgress(key, token, "fingerprint", claimedAt), result.Existing);
    }

    /// <summary>The lease ends at its expiry instant: a claim made exactly then takes the key over.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_AtLeaseEnd_Acquires()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        Assert.True((await ClaimAsync(store, key, NewToken())).IsAcquired);
        await AdvanceAsync(DefaultLease);

        Assert.True((await ClaimAsync(store, key, NewToken())).IsAcquired);
    }

    /// <summary>A claim with the same fingerprint after the owner's lease expired takes the key over and writes a new record with the new token and times.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_LeaseExpired_AcquiresWithNewToken()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        Assert.True((await ClaimAsync(store, key, NewToken(), "fp-1")).IsAcquired);
        await AdvanceAsync(DefaultLease + TimeSpan.FromSeconds(1));
        var token = NewToken();
        var takenAt = Clock.GetUtcNow();

        var result = await ClaimAsync(store, key, token, "fp-1", TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10));

        Assert.True(result.IsAcquired);
        RecordAssert.Matches(InProgress(key, token, "fp-1", takenAt, TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10)), await GetAsync(store, key));
    }

    /// <summary>An in-progress record whose time-to-live ended (even with a lease longer than that) no longer holds the key.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_InProgressRecordExpired_Acquires()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        Assert.True((await ClaimAsync(store, key, NewToken(), lease: TimeSpan.FromHours(2), ttl: TimeSpan.FromHours(1))).IsAcquired);
        await AdvanceAsync(TimeSpan.FromHours(1));
        var token = NewToken();
        var takenAt = Clock.GetUtcNow();

        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        RecordAssert.Matches(InProgress(key, token, "fingerprint", takenAt), await GetAsync(store, key));
    }

    /// <summary>A claim on a completed record returns it with the exact payload, the owner's token and fingerprint, and the completion's expiry.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_Completed_ReturnsExistingWithPayload()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fp-1", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token, "fp-1")).IsAcquired);
        await AdvanceAsync(TimeSpan.FromSeconds(2));
        var completedAt = Clock.GetUtcNow();
        var payload = Bytes("{\"orderId\":42}");
        Assert.True(await CompleteAsync(store, key, token, payload, TimeSpan.FromHours(3)));
        await AdvanceAsync(TimeSpan.FromMinutes(5));

        var result = await ClaimAsync(store, key, NewToken(), "fp-1");

        Assert.False(result.IsAcquired);
        RecordAssert.Matches(Completed(claimed, payload, completedAt, TimeSpan.FromHours(3)), result.Existing);
    }

    /// <summary>One millisecond before a completed record expires it still answers claims.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_CompletedOneMillisecondBeforeExpiry_ReturnsExisting()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        Assert.True(await CompleteAsync(store, key, token, Bytes("done"), TimeSpan.FromMinutes(10)));
        await AdvanceAsync(TimeSpan.FromMinutes(10) - OneMillisecond);

        var result = await ClaimAsync(store, key, NewToken());

        Assert.False(result.IsAcquired);
        Assert.Equal(IdempotencyRecordStatus.Completed, result.Existing!.Status);
        Assert.Equal(token, result.Existing.OwnerToken);
    }

    /// <summary>A completed record expires at its time-to-live: a claim made exactly then acquires the key again.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_CompletedAtExpiry_Acquires()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        Assert.True(await CompleteAsync(store, key, token, Bytes("done"), TimeSpan.FromMinutes(10)));
        await AdvanceAsync(TimeSpan.FromMinutes(10));
        var newToken = NewToken();
        var claimedAt = Clock.GetUtcNow();

        Assert.True((await ClaimAsync(store, key, newToken, "fp-2")).IsAcquired);
        RecordAssert.Matches(InProgress(key, newToken, "fp-2", claimedAt), await GetAsync(store, key));
    }

    /// <summary>A non-retryable failure answers every claim until it expires; then the key is acquired again.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_FailedNonRetryable_ReturnsExistingUntilExpiry()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fingerprint", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        var failedAt = Clock.GetUtcNow();
        var error = Bytes("card declined");
        Assert.True(await FailAsync(store, key, token, error, retryable: false, TimeSpan.FromMinutes(15)));
        await AdvanceAsync(TimeSpan.FromMinutes(15) - OneMillisecond);

        var blocked = await ClaimAsync(store, key, NewToken());

        Assert.False(blocked.IsAcquired);
        RecordAssert.Matches(Failed(claimed, error, retryable: false, failedAt, TimeSpan.FromMinutes(15)), blocked.Existing);
        await AdvanceAsync(OneMillisecond);
        Assert.True((await ClaimAsync(store, key, NewToken())).IsAcquired);
    }

    /// <summary>A retryable failure does not hold the key against the same request: its next claim acquires it and writes a fresh in-progress record.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_FailedRetryable_Acquires()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        Assert.True(await FailAsync(store, key, token, Bytes("timeout"), retryable: true));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        var newToken = NewToken();
        var claimedAt = Clock.GetUtcNow();

        var result = await ClaimAsync(store, key, newToken);

        Assert.True(result.IsAcquired);
        RecordAssert.Matches(InProgress(key, newToken, "fingerprint", claimedAt), await GetAsync(store, key));
    }

    /// <summary>An empty fingerprint (a request without one) reads back as the empty string, never as null.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_EmptyFingerprint_ReadsBackEmpty()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimedAt = Clock.GetUtcNow();
        Assert.True((await ClaimAsync(store, key, token, string.Empty)).IsAcquired);

        var result = await ClaimAsync(store, key, NewToken(), string.Empty);

        RecordAssert.Matches(InProgress(key, token, string.Empty, claimedAt), result.Existing);
        Assert.Equal(string.Empty, (await GetAsync(store, key))!.Fingerprint);
    }
}
