using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>Foreign or damaged values under a record's key are reported as corrupt: never a crash, never a silent re-run.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStoreCorruptValueTests(RedisFixture redis)
{
    public static TheoryData<string, byte[]> ForeignStrings => new()
    {
        { "plain text", "hello"u8.ToArray() },
        { "unknown revision", [9, .. new byte[40]] },
        { "unknown status", [1, 7, .. new byte[40]] },
        { "truncated", [1, 1, 0, .. new byte[24], 200, 0, 0, 0, .. "abc"u8.ToArray()] },
    };

    [Theory]
    [MemberData(nameof(ForeignStrings))]
    public async Task ExecuteAsync_ForeignStringUnderKey_ThrowsCorruptAndDoesNotRunHandler(string kind, byte[] value)
    {
        var (executor, key, runs) = await ExecutedOnceAsync();
        await redis.Database.StringSetAsync(key, value);

        var error = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), runs.Handler, CancellationToken.None).AsTask());

        Assert.Equal(1, runs.Count);
        Assert.False(string.IsNullOrEmpty(error.Reason), kind);
        Assert.Equal(value, (byte[]?)await redis.Database.StringGetAsync(key));
    }

    [Fact]
    public async Task ExecuteAsync_UnknownRevision_ReasonNamesTheRevision()
    {
        var (executor, key, runs) = await ExecutedOnceAsync();
        await redis.Database.StringSetAsync(key, (byte[])[2, .. new byte[40]]);

        var error = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), runs.Handler, CancellationToken.None).AsTask());

        Assert.Contains("revision 2", error.Reason, StringComparison.Ordinal);
        Assert.Equal(1, runs.Count);
    }

    [Fact]
    public async Task ExecuteAsync_HashUnderKey_ThrowsCorruptAndDoesNotRunHandler()
    {
        var (executor, key, runs) = await ExecutedOnceAsync();
        await redis.Database.KeyDeleteAsync(key);
        await redis.Database.HashSetAsync(key, [new HashEntry("status", "completed"), new HashEntry("owner", "x")]);

        var error = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), runs.Handler, CancellationToken.None).AsTask());

        Assert.Contains("another data type", error.Reason, StringComparison.Ordinal);
        Assert.Equal(1, runs.Count);
        Assert.Equal(RedisType.Hash, await redis.Database.KeyTypeAsync(key));
    }

    [Fact]
    public async Task StoreOperations_ForeignValues_ThrowCorrupt()
    {
        var store = redis.CreateStore(out var instanceName);
        var now = DateTimeOffset.UtcNow;
        await redis.Database.StringSetAsync(instanceName + "text", "not a record");
        await redis.Database.HashSetAsync(instanceName + "hash", "f", "v");

        foreach (var key in new[] { "text", "hash" })
        {
            await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => store.GetAsync(key, now, CancellationToken.None).AsTask());
            await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => store.ClaimAsync(new IdempotencyClaimRequest(key, "owner", "f", now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), CancellationToken.None).AsTask());
            await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => store.CompleteAsync(key, "owner", new byte[] { 1 }, now, TimeSpan.FromHours(1), CancellationToken.None).AsTask());
            await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => store.FailAsync(key, "owner", new byte[] { 1 }, false, now, TimeSpan.FromHours(1), CancellationToken.None).AsTask());
            await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => store.RenewAsync(key, "owner", now, TimeSpan.FromSeconds(30), CancellationToken.None).AsTask());
            await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => store.ReleaseAsync(key, "owner", CancellationToken.None).AsTask());

            // Administration can still remove it.
            Assert.True(await store.DeleteAsync(key, CancellationToken.None));
        }
    }

    private async Task<(IIdempotencyExecutor Executor, RedisKey Key, HandlerRuns Runs)> ExecutedOnceAsync()
    {
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), redis.CreateStore(out var instanceName));
        var runs = new HandlerRuns();
        await executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), runs.Handler, CancellationToken.None);
        return (executor, await RedisKeys.OnlyUnderAsync(redis, instanceName), runs);
    }
}
