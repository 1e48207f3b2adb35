using Xunit;

namespace Idempotency.Testing;

// get(key, now): reads one record; an expired record reads as absent.
public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>Reading a key nobody claimed returns null.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task GetAsync_AbsentKey_ReturnsNull()
    {
        await using var scope = await OpenAsync();

        Assert.Null(await GetAsync(scope.Store, NewKey()));
    }

    /// <summary>A record reads back until one millisecond before it expires, and as null from its expiry on.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task GetAsync_AtExpiry_ReturnsNull()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fingerprint", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        var completedAt = Clock.GetUtcNow();
        var payload = Bytes("done");
        Assert.True(await CompleteAsync(store, key, token, payload, TimeSpan.FromMinutes(10)));
        await AdvanceAsync(TimeSpan.FromMinutes(10) - OneMillisecond);

        RecordAssert.Matches(Completed(claimed, payload, completedAt, TimeSpan.FromMinutes(10)), await GetAsync(store, key));
        await AdvanceAsync(OneMillisecond);
        Assert.Null(await GetAsync(store, key));
        await AdvanceAsync(TimeSpan.FromDays(1));
        Assert.Null(await GetAsync(store, key));
    }

    /// <summary>An in-progress record whose time-to-live ended reads as null.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task GetAsync_InProgressExpired_ReturnsNull()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        Assert.True((await ClaimAsync(store, key, NewToken(), ttl: TimeSpan.FromMinutes(2))).IsAcquired);
        await AdvanceAsync(TimeSpan.FromMinutes(2));

        Assert.Null(await GetAsync(store, key));
    }

    /// <summary>An in-progress record whose lease ran out is still a record until it expires: it reads back unchanged.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task GetAsync_InProgressLeaseExpired_ReturnsRecord()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fingerprint", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        await AdvanceAsync(DefaultLease + TimeSpan.FromMinutes(1));

        RecordAssert.Matches(claimed, await GetAsync(store, key));
    }
}
