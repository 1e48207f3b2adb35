using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Idempotency.Testing;

// The administrator's unstick on the real store: a guarded release by the owner token it read.
public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>While the owner's lease is live, an unforced unstick refuses and leaves the record as it was.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task UnstickAsync_LeaseLive_RefusesAndLeavesRecord()
    {
        await using var scope = await OpenAsync();
        var (key, token, claimedAt) = await ClaimNewAsync(scope.Store);

        var outcome = await UnstickAsync(scope.Store, key, force: false);

        Assert.Equal(IdempotencyUnstickOutcome.LeaseLive, outcome);
        RecordAssert.Matches(InProgress(key, token, "fingerprint", claimedAt), await GetAsync(scope.Store, key));
        Assert.True(await CompleteAsync(scope.Store, key, token, Bytes("owner finished")));
    }

    /// <summary>Once the lease has ended, unstick releases the record: the next claim acquires at once, and the old owner's completion is refused.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task UnstickAsync_LeaseEnded_ReleasesAndNextClaimAcquires()
    {
        await using var scope = await OpenAsync();
        var (key, token, _) = await ClaimNewAsync(scope.Store);
        await AdvanceAsync(DefaultLease + OneMillisecond);

        var outcome = await UnstickAsync(scope.Store, key, force: false);

        Assert.Equal(IdempotencyUnstickOutcome.Released, outcome);
        Assert.Null(await GetAsync(scope.Store, key));
        Assert.False(await CompleteAsync(scope.Store, key, token, Bytes("dead owner")));
        Assert.True((await ClaimAsync(scope.Store, key, NewToken(), fingerprint: "another request")).IsAcquired);
    }

    /// <summary>Forced, unstick releases a record whose lease is still live (the operator knows the owner is dead).</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task UnstickAsync_ForcedWhileLeaseLive_Releases()
    {
        await using var scope = await OpenAsync();
        var (key, token, _) = await ClaimNewAsync(scope.Store);

        var outcome = await UnstickAsync(scope.Store, key, force: true);

        Assert.Equal(IdempotencyUnstickOutcome.Released, outcome);
        Assert.False(await CompleteAsync(scope.Store, key, token, Bytes("dead owner")));
        Assert.True((await ClaimAsync(scope.Store, key, NewToken())).IsAcquired);
    }

    /// <summary>A completed or failed record is not in progress: unstick leaves it, forced or not.</summary>
    /// <param name="failed">Whether the record failed rather than completed.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnstickAsync_FinishedRecord_NotInProgress(bool failed)
    {
        await using var scope = await OpenAsync();
        var (key, token, claimedAt) = await ClaimNewAsync(scope.Store);
        var claimed = InProgress(key, token, "fingerprint", claimedAt);
        IdempotencyRecord expected;
        if (failed)
        {
            Assert.True(await FailAsync(scope.Store, key, token, Bytes("error"), retryable: false));
            expected = Failed(claimed, Bytes("error"), retryable: false, claimedAt);
        }
        else
        {
            Assert.True(await CompleteAsync(scope.Store, key, token, Bytes("result")));
            expected = Completed(claimed, Bytes("result"), claimedAt);
        }

        Assert.Equal(IdempotencyUnstickOutcome.NotInProgress, await UnstickAsync(scope.Store, key, force: true));
        RecordAssert.Matches(expected, await GetAsync(scope.Store, key));
    }

    /// <summary>A key without a live record (never claimed, or expired) is not found.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task UnstickAsync_AbsentOrExpired_NotFound()
    {
        await using var scope = await OpenAsync();
        var expired = NewKey();
        Assert.True((await ClaimAsync(scope.Store, expired, NewToken(), ttl: TimeSpan.FromMinutes(1))).IsAcquired);
        await AdvanceAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(IdempotencyUnstickOutcome.NotFound, await UnstickAsync(scope.Store, NewKey(), force: true));
        Assert.Equal(IdempotencyUnstickOutcome.NotFound, await UnstickAsync(scope.Store, expired, force: true));
    }

    /// <summary>
    /// The owner completes between the administrator's read and its release: the release, guarded by the owner token it
    /// read, changes nothing, and the outcome says so. The completion really runs on the store between the two calls.
    /// </summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task UnstickAsync_OwnerCompletesBetweenReadAndRelease_Changed()
    {
        await using var scope = await OpenAsync();
        var (key, token, claimedAt) = await ClaimNewAsync(scope.Store);
        var racing = new BeforeReleaseStore(scope.Store, () => CompleteAsync(scope.Store, key, token, Bytes("finished meanwhile")));

        var outcome = await UnstickAsync(racing, key, force: true);

        Assert.Equal(IdempotencyUnstickOutcome.Changed, outcome);
        Assert.Equal(1, racing.Releases);
        RecordAssert.Matches(Completed(InProgress(key, token, "fingerprint", claimedAt), Bytes("finished meanwhile"), claimedAt), await GetAsync(scope.Store, key));
    }

    private async ValueTask<(string Key, string Token, DateTimeOffset ClaimedAt)> ClaimNewAsync(IIdempotencyStore store, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        var key = NewKey(operation);
        var token = NewToken();
        var claimedAt = Clock.GetUtcNow();
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        return (key, token, claimedAt);
    }

    // The administrator an application resolves, over the store under test and the test's clock.
    private async ValueTask<IdempotencyUnstickOutcome> UnstickAsync(IIdempotencyStore store, string key, bool force)
    {
        var services = new ServiceCollection();
        services.AddSingleton(store);
        services.AddSingleton<TimeProvider>(Clock);
        services.AddIdempotency();
        using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<IIdempotencyAdministrator>().UnstickAsync(key, force, CancellationToken.None);
    }

    // Runs an action on the real store just before the administrator's release reaches it.
    private sealed class BeforeReleaseStore(IIdempotencyStore inner, Func<ValueTask<bool>> beforeRelease) : DelegatingIdempotencyStore(inner)
    {
        public int Releases { get; private set; }

        public override async ValueTask<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken)
        {
            Releases++;
            Assert.True(await beforeRelease());
            return await base.ReleaseAsync(key, ownerToken, cancellationToken);
        }
    }
}
