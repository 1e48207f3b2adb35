using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>What the store writes: one versioned string per record, with native expiry, under the configured prefix and database.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStoreLayoutTests(RedisFixture redis)
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CompleteAsync_WritesRevisionOneStringWithNativeExpiryOfTtl()
    {
        var store = redis.CreateStore(out var instanceName);
        var ttl = TimeSpan.FromMinutes(10);
        var payload = new byte[200];
        Random.Shared.NextBytes(payload);

        await store.ClaimAsync(new IdempotencyClaimRequest("k", "owner-1", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), CancellationToken.None);
        var claimedTtl = await redis.Database.KeyTimeToLiveAsync(instanceName + "k");
        Assert.True(await store.CompleteAsync("k", "owner-1", payload, Now, ttl, CancellationToken.None));

        var key = await RedisKeys.OnlyUnderAsync(redis, instanceName);
        var value = (byte[])(await redis.Database.StringGetAsync(key))!;
        var pttl = await redis.Database.KeyTimeToLiveAsync(key);
        Assert.Equal(instanceName + "k", key.ToString());
        Assert.Equal(RedisType.String, await redis.Database.KeyTypeAsync(key));
        Assert.Equal(1, value[0]);
        Assert.Equal((byte)IdempotencyRecordStatus.Completed, value[1]);
        Assert.Equal(31 + "owner-1".Length + "fp".Length + payload.Length, value.Length);
        Assert.Equal(payload, value[^payload.Length..]);
        Assert.InRange(claimedTtl!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.InRange(pttl!.Value, ttl - TimeSpan.FromSeconds(30), ttl);
    }

    [Fact]
    public async Task GetAsync_PastExpiryByCallerClock_ReturnsNullWhileRedisStillHoldsTheKey()
    {
        var store = redis.CreateStore(out var instanceName);
        await store.ClaimAsync(new IdempotencyClaimRequest("k", "owner-1", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), CancellationToken.None);

        var live = await store.GetAsync("k", Now.AddMinutes(59), CancellationToken.None);
        var expired = await store.GetAsync("k", Now.AddHours(1), CancellationToken.None);

        Assert.NotNull(live);
        Assert.Null(expired);
        Assert.True(await redis.Database.KeyExistsAsync(instanceName + "k"));
    }

    [Fact]
    public async Task RenewAsync_LeaseBeyondExpiry_MovesRecordAndNativeExpiryOut()
    {
        var store = redis.CreateStore(out var instanceName);
        await store.ClaimAsync(new IdempotencyClaimRequest("k", "owner-1", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)), CancellationToken.None);

        Assert.True(await store.RenewAsync("k", "owner-1", Now.AddSeconds(50), TimeSpan.FromMinutes(5), CancellationToken.None));

        var record = await store.GetAsync("k", Now.AddSeconds(50), CancellationToken.None);
        var pttl = await redis.Database.KeyTimeToLiveAsync(instanceName + "k");
        Assert.Equal(Now.AddSeconds(50) + TimeSpan.FromMinutes(5), record!.LeaseExpiresAt);
        Assert.Equal(record.LeaseExpiresAt, record.ExpiresAt);
        Assert.InRange(pttl!.Value, TimeSpan.FromMinutes(4.5), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Database_Option_WritesToThatDatabase()
    {
        var instanceName = $"db-{Guid.NewGuid():N}:";
        var store = new RedisIdempotencyStore(redis.Multiplexer, new RedisStoreOptions { InstanceName = instanceName, Database = 3 });

        await store.ClaimAsync(new IdempotencyClaimRequest("k", "owner-1", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), CancellationToken.None);

        Assert.True(await redis.Multiplexer.GetDatabase(3).KeyExistsAsync(instanceName + "k"));
        Assert.False(await redis.Database.KeyExistsAsync(instanceName + "k"));
    }

    [Fact]
    public async Task PurgeAsync_NativeExpiry_ReturnsZero()
    {
        var store = redis.CreateStore(out _);

        Assert.Equal(0, await store.PurgeExpiredAsync(Now, 100, CancellationToken.None));
    }
}
