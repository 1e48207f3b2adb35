using Xunit;

namespace Idempotency.Testing;

// complete / fail / release / renew: guarded by the owner token; false means the lease was lost and nothing changed.
public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>The owner completes its record: it reads back completed with the payload and the completion's expiry, keeping the claim's token, fingerprint and creation time.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task CompleteAsync_Owner_WritesCompletedRecord()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fp-1", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token, "fp-1")).IsAcquired);
        await AdvanceAsync(TimeSpan.FromSeconds(3));
        var completedAt = Clock.GetUtcNow();
        var payload = Bytes("result");

        Assert.True(await CompleteAsync(store, key, token, payload, TimeSpan.FromHours(6)));

        RecordAssert.Matches(Completed(claimed, payload, completedAt, TimeSpan.FromHours(6)), await GetAsync(store, key));
    }

    /// <summary>The owner records a failure: it reads back failed with the payload, the retryable flag and the failure's expiry.</summary>
    /// <param name="retryable">Whether the failure lets a later claim take the key.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FailAsync_Owner_WritesFailedRecord(bool retryable)
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fp-1", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token, "fp-1")).IsAcquired);
        await AdvanceAsync(TimeSpan.FromSeconds(3));
        var failedAt = Clock.GetUtcNow();
        var error = Bytes("{\"error\":\"insufficient funds\"}");

        Assert.True(await FailAsync(store, key, token, error, retryable, TimeSpan.FromMinutes(30)));

        RecordAssert.Matches(Failed(claimed, error, retryable, failedAt, TimeSpan.FromMinutes(30)), await GetAsync(store, key));
    }

    /// <summary>The owner releases its record: the record is gone and the next claim acquires the key.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ReleaseAsync_Owner_DeletesRecord()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);

        Assert.True(await store.ReleaseAsync(key, token, CancellationToken.None));

        Assert.Null(await GetAsync(store, key));
        var newToken = NewToken();
        Assert.True((await ClaimAsync(store, key, newToken)).IsAcquired);
        RecordAssert.Matches(InProgress(key, newToken, "fingerprint", Clock.GetUtcNow()), await GetAsync(store, key));
    }

    /// <summary>After another claim took the key over, the old owner's calls all report a lost lease and leave the new owner's record as it was.</summary>
    /// <param name="operation">The guarded operation the old owner calls.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData("CompleteAsync")]
    [InlineData("FailAsync")]
    [InlineData("ReleaseAsync")]
    [InlineData("RenewAsync")]
    public async Task GuardedOperation_AfterTakeover_ReturnsFalseAndChangesNothing(string operation)
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var oldToken = NewToken();
        Assert.True((await ClaimAsync(store, key, oldToken, "fp-1")).IsAcquired);
        await AdvanceAsync(DefaultLease + TimeSpan.FromSeconds(5));
        var newToken = NewToken();
        var taken = InProgress(key, newToken, "fp-1", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, newToken, "fp-1")).IsAcquired);
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.False(await GuardedAsync(store, operation, key, oldToken));

        RecordAssert.Matches(taken, await GetAsync(store, key));
        Assert.True(await CompleteAsync(store, key, newToken, Bytes("new owner's result")));
    }

    /// <summary>A token that never owned the key cannot complete, fail, release or renew a fresh claim, and the record stays as claimed.</summary>
    /// <param name="operation">The guarded operation called with the wrong token.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData("CompleteAsync")]
    [InlineData("FailAsync")]
    [InlineData("ReleaseAsync")]
    [InlineData("RenewAsync")]
    public async Task GuardedOperation_WrongToken_ReturnsFalseAndChangesNothing(string operation)
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fp-1", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token, "fp-1")).IsAcquired);
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.False(await GuardedAsync(store, operation, key, NewToken()));

        RecordAssert.Matches(claimed, await GetAsync(store, key));
    }

    /// <summary>Once completed, a record is final: even its owner cannot complete it again, fail, release or renew it.</summary>
    /// <param name="operation">The guarded operation the owner calls again.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData("CompleteAsync")]
    [InlineData("FailAsync")]
    [InlineData("ReleaseAsync")]
    [InlineData("RenewAsync")]
    public async Task GuardedOperation_CompletedRecord_ReturnsFalseAndChangesNothing(string operation)
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fingerprint", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        var completedAt = Clock.GetUtcNow();
        var payload = Bytes("first result");
        Assert.True(await CompleteAsync(store, key, token, payload));
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.False(await GuardedAsync(store, operation, key, token));

        RecordAssert.Matches(Completed(claimed, payload, completedAt), await GetAsync(store, key));
    }

    /// <summary>Once failed, a record is final for its owner too: complete, fail, release and renew all report a lost lease.</summary>
    /// <param name="operation">The guarded operation the owner calls again.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData("CompleteAsync")]
    [InlineData("FailAsync")]
    [InlineData("ReleaseAsync")]
    [InlineData("RenewAsync")]
    public async Task GuardedOperation_FailedRecord_ReturnsFalseAndChangesNothing(string operation)
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fingerprint", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        var failedAt = Clock.GetUtcNow();
        var error = Bytes("first error");
        Assert.True(await FailAsync(store, key, token, error, retryable: false));
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.False(await GuardedAsync(store, operation, key, token));

        RecordAssert.Matches(Failed(claimed, error, retryable: false, failedAt), await GetAsync(store, key));
    }

    /// <summary>On a key nobody claimed, complete, fail, release and renew report a lost lease and write no record.</summary>
    /// <param name="operation">The guarded operation called on the absent key.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData("CompleteAsync")]
    [InlineData("FailAsync")]
    [InlineData("ReleaseAsync")]
    [InlineData("RenewAsync")]
    public async Task GuardedOperation_AbsentKey_ReturnsFalseAndWritesNothing(string operation)
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();

        Assert.False(await GuardedAsync(store, operation, key, NewToken()));

        Assert.Null(await GetAsync(store, key));
        Assert.True((await ClaimAsync(store, key, NewToken())).IsAcquired);
    }

    /// <summary>The lease is a permission to take over, not a deadline: an owner whose lease ran out but whom nobody replaced still completes.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task CompleteAsync_LeaseExpiredNotTakenOver_Completes()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fingerprint", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        await AdvanceAsync(DefaultLease + TimeSpan.FromSeconds(10));
        var completedAt = Clock.GetUtcNow();
        var payload = Bytes("slow result");

        Assert.True(await CompleteAsync(store, key, token, payload));

        RecordAssert.Matches(Completed(claimed, payload, completedAt), await GetAsync(store, key));
    }

    private ValueTask<bool> GuardedAsync(IIdempotencyStore store, string operation, string key, string token) => operation switch
    {
        "CompleteAsync" => CompleteAsync(store, key, token, Bytes("unexpected result"), TimeSpan.FromDays(2)),
        "FailAsync" => FailAsync(store, key, token, Bytes("unexpected error"), retryable: true, TimeSpan.FromDays(2)),
        "ReleaseAsync" => store.ReleaseAsync(key, token, CancellationToken.None),
        "RenewAsync" => RenewAsync(store, key, token, TimeSpan.FromDays(2)),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown guarded operation."),
    };
}
