using static Idempotency.DynamoDB.Tests.RawItems;

namespace Idempotency.DynamoDB.Tests;

/// <summary>Every attribute of an item, read straight from the server after each operation: the documented format, exactly.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class RoundTripTests(DynaliteFixture dynalite)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public async Task ClaimAsync_AbsentKey_WritesEveryAttribute()
    {
        var key = Key(nameof(ClaimAsync_AbsentKey_WritesEveryAttribute));
        var store = dynalite.SharedStore;

        Assert.True((await store.ClaimAsync(new(key, "owner-1", "fp-1", Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(2)), default)).IsAcquired);

        var item = await ReadAsync(dynalite, DynaliteFixture.SharedTable, key);
        Assert.Equal(["created_ms", "expires_ms", "fingerprint", "lease_expires_ms", "owner", "pk", "rev", "status", "ttl"], item.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(key, item["pk"].S);
        Assert.Equal("1", item["rev"].N);
        Assert.Equal("0", item["status"].N);
        Assert.Equal("owner-1", item["owner"].S);
        Assert.Equal("fp-1", item["fingerprint"].S);
        Assert.Equal(Now.ToUnixTimeMilliseconds().ToString(), item["created_ms"].N);
        Assert.Equal((Now + TimeSpan.FromSeconds(30)).ToUnixTimeMilliseconds().ToString(), item["lease_expires_ms"].N);
        Assert.Equal((Now + TimeSpan.FromHours(2)).ToUnixTimeMilliseconds().ToString(), item["expires_ms"].N);

        // ttl: whole seconds, rounded up, one hour (the default NativeExpiryDelay) after the expiry.
        Assert.Equal(((Now + TimeSpan.FromHours(3)).ToUnixTimeMilliseconds() + 999) / 1000, long.Parse(item["ttl"].N));
    }

    [Fact]
    public async Task ClaimAsync_EmptyFingerprint_LeavesAttributeOutAndReadsBackEmpty()
    {
        var key = Key(nameof(ClaimAsync_EmptyFingerprint_LeavesAttributeOutAndReadsBackEmpty));
        var store = dynalite.SharedStore;

        await store.ClaimAsync(new(key, "owner-1", string.Empty, Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), default);

        Assert.False((await ReadAsync(dynalite, DynaliteFixture.SharedTable, key)).ContainsKey("fingerprint"));
        Assert.Equal(string.Empty, (await store.GetAsync(key, Now, default))!.Fingerprint);
    }

    [Fact]
    public async Task CompleteAsync_Owner_WritesStatusPayloadExpiryAndTtl()
    {
        var key = Key(nameof(CompleteAsync_Owner_WritesStatusPayloadExpiryAndTtl));
        var store = dynalite.SharedStore;
        await store.ClaimAsync(new(key, "owner-1", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)), default);
        var completedAt = Now + TimeSpan.FromSeconds(5);

        Assert.True(await store.CompleteAsync(key, "owner-1", new byte[] { 0, 1, 2, 255 }, completedAt, TimeSpan.FromDays(1), default));

        var item = await ReadAsync(dynalite, DynaliteFixture.SharedTable, key);
        Assert.Equal("1", item["status"].N);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, item["payload"].B.ToArray());
        Assert.False(item["retryable"].BOOL);
        Assert.Equal(completedAt.ToUnixTimeMilliseconds().ToString(), item["lease_expires_ms"].N);
        Assert.Equal((completedAt + TimeSpan.FromDays(1)).ToUnixTimeMilliseconds().ToString(), item["expires_ms"].N);
        Assert.Equal(((completedAt + TimeSpan.FromDays(1) + TimeSpan.FromHours(1)).ToUnixTimeMilliseconds() + 999) / 1000, long.Parse(item["ttl"].N));
        Assert.Equal(Now.ToUnixTimeMilliseconds().ToString(), item["created_ms"].N);
        Assert.Equal("owner-1", item["owner"].S);
        Assert.Equal("fp", item["fingerprint"].S);
    }

    [Fact]
    public async Task FailAsync_Retryable_WritesFailedRetryableRecord()
    {
        var key = Key(nameof(FailAsync_Retryable_WritesFailedRetryableRecord));
        var store = dynalite.SharedStore;
        await store.ClaimAsync(new(key, "owner-1", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)), default);

        Assert.True(await store.FailAsync(key, "owner-1", new byte[] { 9 }, retryable: true, Now, TimeSpan.FromMinutes(10), default));

        var record = await store.GetAsync(key, Now, default);
        Assert.Equal(IdempotencyRecordStatus.Failed, record!.Status);
        Assert.True(record.Retryable);
        Assert.Equal(new byte[] { 9 }, record.Payload.ToArray());
        Assert.Equal(Now + TimeSpan.FromMinutes(10), record.ExpiresAt);
        Assert.True((await ReadAsync(dynalite, DynaliteFixture.SharedTable, key))["retryable"].BOOL);
    }

    [Fact]
    public async Task CompleteAsync_EmptyPayload_RemovesPayloadAttribute()
    {
        var key = Key(nameof(CompleteAsync_EmptyPayload_RemovesPayloadAttribute));
        var store = dynalite.SharedStore;
        await store.ClaimAsync(new(key, "owner-1", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)), default);

        Assert.True(await store.CompleteAsync(key, "owner-1", ReadOnlyMemory<byte>.Empty, Now, TimeSpan.FromMinutes(1), default));

        Assert.False((await ReadAsync(dynalite, DynaliteFixture.SharedTable, key)).ContainsKey("payload"));
    }

    [Fact]
    public async Task RenewAsync_LeaseBeyondExpiry_MovesExpiryAndTtlOut()
    {
        var key = Key(nameof(RenewAsync_LeaseBeyondExpiry_MovesExpiryAndTtlOut));
        var store = new DynamoDbIdempotencyStore(dynalite.Client, new DynamoDbStoreOptions { TableName = DynaliteFixture.SharedTable, NativeExpiryDelay = TimeSpan.FromMinutes(5) });
        await store.ClaimAsync(new(key, "owner-1", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)), default);

        Assert.True(await store.RenewAsync(key, "owner-1", Now, TimeSpan.FromMinutes(10), default));

        var item = await ReadAsync(dynalite, DynaliteFixture.SharedTable, key);
        var leaseEnd = Now + TimeSpan.FromMinutes(10);
        Assert.Equal(leaseEnd.ToUnixTimeMilliseconds().ToString(), item["lease_expires_ms"].N);
        Assert.Equal(leaseEnd.ToUnixTimeMilliseconds().ToString(), item["expires_ms"].N);
        Assert.Equal(((leaseEnd + TimeSpan.FromMinutes(5)).ToUnixTimeMilliseconds() + 999) / 1000, long.Parse(item["ttl"].N));
    }

    [Fact]
    public async Task RenewAsync_LeaseWithinExpiry_LeavesExpiryAndTtl()
    {
        var key = Key(nameof(RenewAsync_LeaseWithinExpiry_LeavesExpiryAndTtl));
        var store = dynalite.SharedStore;
        await store.ClaimAsync(new(key, "owner-1", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), default);
        var before = await ReadAsync(dynalite, DynaliteFixture.SharedTable, key);

        Assert.True(await store.RenewAsync(key, "owner-1", Now + TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30), default));

        var item = await ReadAsync(dynalite, DynaliteFixture.SharedTable, key);
        Assert.Equal((Now + TimeSpan.FromSeconds(50)).ToUnixTimeMilliseconds().ToString(), item["lease_expires_ms"].N);
        Assert.Equal(before["expires_ms"].N, item["expires_ms"].N);
        Assert.Equal(before["ttl"].N, item["ttl"].N);
    }

    [Fact]
    public async Task ClaimAsync_OnDynalite_ReadsTheHolderBackConsistently()
    {
        // dynalite does not return the old item with a failed condition: the store reads it back (real DynamoDB returns it).
        var key = Key(nameof(ClaimAsync_OnDynalite_ReadsTheHolderBackConsistently));
        var store = new DynamoDbIdempotencyStore(dynalite.Client, new DynamoDbStoreOptions { TableName = DynaliteFixture.SharedTable });
        await store.ClaimAsync(new(key, "owner-1", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), default);

        var held = await store.ClaimAsync(new(key, "owner-2", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), default);

        Assert.Equal("owner-1", held.Existing!.OwnerToken);
        Assert.Equal(1, store.ClaimReadBacks);
    }
}
