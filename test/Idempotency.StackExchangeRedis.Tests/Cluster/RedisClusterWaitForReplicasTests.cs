using System.Diagnostics;
using Idempotency.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>The store contract again on the cluster, every claim, renewal and completion waiting for one replica.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterWaitForReplicasConformanceTests(RedisClusterFixture redis) : IdempotencyStoreConformanceTests
{
    // SCAN order: newest first within each page only.
    protected override bool ListsNewestFirstAcrossPages => false;

    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new RedisIdempotencyStore(redis.Multiplexer, new RedisStoreOptions { InstanceName = "conformance-wait:", WaitForReplicas = 1 }));
}

/// <summary><see cref="RedisStoreOptions.WaitForReplicas"/> on the cluster: what it waits for (what it costs: bench, <c>redis-ab cluster-wait</c>).</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterWaitForReplicasTests(RedisClusterFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task ExecuteAsync_WaitForReplicas_EveryRecordIsOnAReplicaWhenTheCallReturns()
    {
        var instanceName = $"on-replica-{Guid.NewGuid():N}:";
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), new RedisIdempotencyStore(redis.Multiplexer, new RedisStoreOptions { InstanceName = instanceName, WaitForReplicas = 1 }));
        for (var i = 0; i < 60; i++)
        {
            var key = ClusterLoad.KeyOf(i);
            await executor.ExecuteAsync(new IdempotencyRequest("orders", key), _ => ValueTask.FromResult(i), CancellationToken.None);

            // Read from a replica (READONLY), right after the call: the completed record (status byte 1) is there.
            var value = await ReadFromReplicaAsync(ClusterKeys.RedisKeyOf(instanceName, "orders", key));
            Assert.True(value.HasValue, $"{key} is not on the replica");
            Assert.Equal((byte)IdempotencyRecordStatus.Completed, ((byte[])value!)[1]);
        }
    }

    [Fact]
    public async Task ClaimAsync_WaitForReplicasWhileTheReplicaStalls_FailsClosedAndReleasesTheClaim()
    {
        // The replica stays connected but answers nothing for a while (DEBUG SLEEP): its acknowledgements lag, so the
        // WAIT sent after the claim, on the claim's own connection, times out. (A WAIT on a connection that wrote nothing
        // would count the stale acknowledgement and pass: this checks the store waits where it wrote.)
        var primary = await redis.Cluster.PrimaryOfAsync(0);
        var replica = await redis.Cluster.ReplicaOfAsync(primary);
        var instanceName = $"stall:{ClusterKeys.HashTagServedBy(redis.Multiplexer, primary)}:";
        var timeout = TimeSpan.FromMilliseconds(200);
        var store = new RedisIdempotencyStore(redis.Multiplexer, new RedisStoreOptions { InstanceName = instanceName, WaitForReplicas = 1, WaitForReplicasTimeout = timeout });
        var now = DateTimeOffset.UtcNow;
        IdempotencyClaimRequest Claim(string owner) => new("stalled", owner, "fingerprint", now, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
        await store.ClaimAsync(Claim("warm-up"), CancellationToken.None); // settles the eviction check: the timed claim is a SET and a WAIT
        await store.DeleteAsync("stalled", CancellationToken.None);

        // Sent without waiting for the answer (the replica gives none for 3 s, longer than the client's timeout).
        var stalled = Stopwatch.StartNew();
        await redis.Multiplexer.GetServer("127.0.0.1", replica.Port).ExecuteAsync("DEBUG", ["SLEEP", "3"], CommandFlags.FireAndForget);
        await Task.Delay(200);
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => store.ClaimAsync(Claim("first"), CancellationToken.None).AsTask());
        Assert.True(stalled.Elapsed < TimeSpan.FromSeconds(2.8), $"The claim ended {stalled.Elapsed} after the stall began, maybe after it: the test proved nothing.");
        output.WriteLine($"failed closed after {watch.Elapsed.TotalMilliseconds:F0} ms: {error.Message}");
        Assert.True(watch.Elapsed >= timeout);

        // Released: once the replica is back, the next claim is acquired at once (no lease to wait out).
        await redis.Cluster.WaitUntilStableAsync(TimeSpan.FromSeconds(30));
        Assert.True((await store.ClaimAsync(Claim("second"), CancellationToken.None)).IsAcquired);
    }

    // The client may still be reconnecting to a replica another test stalled: only that is retried.
    private async Task<RedisValue> ReadFromReplicaAsync(RedisKey key)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await redis.Multiplexer.GetDatabase().StringGetAsync(key, CommandFlags.DemandReplica);
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException && watch.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100);
            }
        }
    }
}
