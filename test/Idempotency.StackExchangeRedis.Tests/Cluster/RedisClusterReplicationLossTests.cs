using System.Diagnostics;
using Idempotency.TestServers;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>
/// What Redis' asynchronous replication can lose, shown on purpose: a primary acknowledges records its replica never
/// receives (the replica is cut off), then dies; the replica takes over without them. Without
/// <see cref="RedisStoreOptions.WaitForReplicas"/> those keys run again — the documented limit. With it, the claims are
/// never acknowledged, so the work never starts and fails closed instead; after the failover each key runs once.
/// </summary>
public sealed class RedisClusterReplicationLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Keys = 20;
    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromMilliseconds(200);
    private readonly RedisClusterFixture _redis = new();
    private readonly Dictionary<string, int> _runs = [];

    private RedisCluster Cluster => _redis.Cluster;

    private ConnectionMultiplexer Multiplexer => _redis.Multiplexer;

    public Task InitializeAsync() => _redis.InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task ExecuteAsync_PrimaryDiesBeforeItsReplicaHasTheRecords_EveryKeyRunsAgainAfterTheFailover()
    {
        var (primary, instanceName) = await CutOffReplicaAsync();
        var executor = CreateExecutor(instanceName, waitForReplicas: 0);
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal(IdempotencyOutcome.Executed, (await ExecuteAsync(executor, i)).Outcome);
        }

        var failover = await Cluster.KillAsync(primary.Port, ClusterTimeout);
        output.WriteLine($"the replica took over {failover.TotalSeconds:F1} s after the kill, without the {Keys} completed records");

        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal(IdempotencyOutcome.Executed, (await ExecuteUntilAnsweredAsync(executor, i)).Outcome);
        }

        Assert.All(_runs.Values, runs => Assert.Equal(2, runs));
    }

    [Fact]
    public async Task ExecuteAsync_WaitForReplicasAndTheReplicaCannotSync_FailsClosedThenEveryKeyRunsOnce()
    {
        var (primary, instanceName) = await CutOffReplicaAsync();
        var executor = CreateExecutor(instanceName, waitForReplicas: 1);
        for (var i = 0; i < Keys; i++)
        {
            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => ExecuteAsync(executor, i).AsTask());
            Assert.True(watch.Elapsed >= WaitTimeout, $"failed after {watch.Elapsed}, before the WAIT timeout");
            Assert.Contains("0 of the 1 replica(s)", error.Message, StringComparison.Ordinal);
        }

        Assert.Empty(_runs);

        // The refused claims were released: the primary holds none of them (it is about to die anyway).
        Assert.Equal("0", (await Cluster.CommandAsync(primary.Port, "DBSIZE")).Trim());
        var failover = await Cluster.KillAsync(primary.Port, ClusterTimeout);

        // The shard has no replica now, so WaitForReplicas = 1 keeps failing closed until the old primary rejoins as one.
        await Cluster.RestartAsync(primary.Port, ClusterTimeout);
        output.WriteLine($"the replica took over {failover.TotalSeconds:F1} s after the kill; the killed node rejoined as its replica");
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal(IdempotencyOutcome.Executed, (await ExecuteUntilAnsweredAsync(executor, i)).Outcome);
            Assert.Equal(IdempotencyOutcome.Replayed, (await ExecuteAsync(executor, i)).Outcome);
        }

        Assert.Equal(Keys, _runs.Count);
        Assert.All(_runs.Values, runs => Assert.Equal(1, runs));
    }

    // The replica of the primary serving slot 0 stays a member of the cluster, but can no longer sync: it now
    // authenticates to its primary with a user the primary does not know, and its current link is cut. The primary
    // keeps taking writes (replication is asynchronous) that the replica never sees. Records go to that primary only:
    // the instance name carries a hash tag of one of its slots.
    private async Task<(RedisClusterNode Primary, string InstanceName)> CutOffReplicaAsync()
    {
        var primary = await Cluster.PrimaryOfAsync(0);
        var replica = await Cluster.ReplicaOfAsync(primary);
        await Cluster.CommandAsync(replica.Port, "CONFIG", "SET", "masteruser", "no-such-user");
        await Cluster.CommandAsync(replica.Port, "CONFIG", "SET", "masterauth", "wrong");
        await Cluster.CommandAsync(primary.Port, "CLIENT", "KILL", "TYPE", "replica");
        var watch = Stopwatch.StartNew();
        while (!(await Cluster.CommandAsync(replica.Port, "INFO", "replication")).Contains("master_link_status:down", StringComparison.Ordinal))
        {
            Assert.True(watch.Elapsed < ClusterTimeout, "The replica's link to its primary stayed up.");
            await Task.Delay(50);
        }

        return (primary, $"loss:{ClusterKeys.HashTagServedBy(Multiplexer, primary)}:");
    }

    private IIdempotencyExecutor CreateExecutor(string instanceName, int waitForReplicas) => IdempotencyExecutor.Create(
        new IdempotencyOptions(),
        new RedisIdempotencyStore(Multiplexer, new RedisStoreOptions { InstanceName = instanceName, WaitForReplicas = waitForReplicas, WaitForReplicasTimeout = WaitTimeout }));

    private ValueTask<IdempotencyResult<int>> ExecuteAsync(IIdempotencyExecutor executor, int key) =>
        executor.ExecuteAsync(new IdempotencyRequest("orders", ClusterLoad.KeyOf(key)), _ =>
        {
            var runs = _runs.GetValueOrDefault(ClusterLoad.KeyOf(key)) + 1;
            _runs[ClusterLoad.KeyOf(key)] = runs;
            return ValueTask.FromResult(runs);
        }, CancellationToken.None);

    // Until the client has noticed the new primary, calls to the shard fail closed.
    private async Task<IdempotencyResult<int>> ExecuteUntilAnsweredAsync(IIdempotencyExecutor executor, int key)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await ExecuteAsync(executor, key);
            }
            catch (IdempotencyStoreUnavailableException) when (watch.Elapsed < ClusterTimeout)
            {
                await Task.Delay(100);
            }
        }
    }
}
