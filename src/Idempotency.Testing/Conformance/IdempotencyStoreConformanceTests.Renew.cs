using Xunit;

namespace Idempotency.Testing;

// renew(key, token, lease): the heartbeat of a long operation.
public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>Renewing moves the lease to now + lease (the expiry stays), so the key is not taken over when the original lease passes, only when the renewed one does.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task RenewAsync_Owner_ExtendsLease()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fingerprint", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        await AdvanceAsync(TimeSpan.FromSeconds(20));
        var renewedLeaseEnd = Clock.GetUtcNow() + DefaultLease;

        Assert.True(await RenewAsync(store, key, token));

        var renewed = Renewed(claimed, renewedLeaseEnd, claimed.ExpiresAt);
        RecordAssert.Matches(renewed, await GetAsync(store, key));
        await AdvanceAsync(TimeSpan.FromSeconds(20));
        var held = await ClaimAsync(store, key, NewToken());
        Assert.False(held.IsAcquired);
        RecordAssert.Matches(renewed, held.Existing);
        await AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.True((await ClaimAsync(store, key, NewToken())).IsAcquired);
    }

    /// <summary>A renewed lease that would outlive the record moves the record's expiry out to the lease's end, so the record does not expire under its owner.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task RenewAsync_LeaseBeyondExpiry_MovesExpiryOut()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fingerprint", Clock.GetUtcNow(), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40));
        Assert.True((await ClaimAsync(store, key, token, lease: TimeSpan.FromSeconds(30), ttl: TimeSpan.FromSeconds(40))).IsAcquired);
        await AdvanceAsync(TimeSpan.FromSeconds(20));
        var renewedLeaseEnd = Clock.GetUtcNow() + TimeSpan.FromMinutes(1);

        Assert.True(await RenewAsync(store, key, token, TimeSpan.FromMinutes(1)));

        var renewed = Renewed(claimed, renewedLeaseEnd, renewedLeaseEnd);
        RecordAssert.Matches(renewed, await GetAsync(store, key));
        await AdvanceAsync(TimeSpan.FromSeconds(30));
        RecordAssert.Matches(renewed, await GetAsync(store, key));
        var held = await ClaimAsync(store, key, NewToken());
        Assert.False(held.IsAcquired);
        RecordAssert.Matches(renewed, held.Existing);
    }

    /// <summary>An owner whose lease ran out but whom nobody replaced may still renew: the record is in progress with its token.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task RenewAsync_LeaseExpiredNotTakenOver_Renews()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fingerprint", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        await AdvanceAsync(DefaultLease + TimeSpan.FromSeconds(10));
        var renewedLeaseEnd = Clock.GetUtcNow() + DefaultLease;

        Assert.True(await RenewAsync(store, key, token));

        RecordAssert.Matches(Renewed(claimed, renewedLeaseEnd, claimed.ExpiresAt), await GetAsync(store, key));
        Assert.False((await ClaimAsync(store, key, NewToken())).IsAcquired);
    }
}
