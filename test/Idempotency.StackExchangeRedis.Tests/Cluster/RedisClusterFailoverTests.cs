using Idempotency.TestServers;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>
/// A Redis Cluster (3 primaries, 3 replicas) loses a primary while 32 callers run fresh keys through the engine, each
/// key three times (from one second before the failover until a block of keys after it, see <see cref="ClusterLoad"/>):
/// the shard's calls fail closed (store unavailable, the handler does not run) while its slots move, every call is
/// answered once the replica has taken over, with no restart of anything on the client side, and no key runs twice
/// unless Redis itself lost a write it had acknowledged (what asynchronous replication allows: see
/// <see cref="RedisClusterReplicationLossTests"/>).
/// </summary>
public sealed class RedisClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int KeysPerBlock = 200;
    private const int Callers = 32;
    private const string InstanceName = "failover:";
    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromMinutes(3);

    // Long enough for the completions in flight to outlast a failover (renewals and completion retries carry them over),
    // short enough that a claim orphaned by the kill (its acknowledgement lost with the primary, like a crashed caller's)
    // frees its key within the test: until then its callers hear "in progress".
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private readonly RedisClusterFixture _redis = new();

    private RedisCluster Cluster => _redis.Cluster;

    private ConnectionMultiplexer Multiplexer => _redis.Multiplexer;

    public Task InitializeAsync() => _redis.InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task ExecuteAsync_ManualFailoverUnderLoad_NoKeyRunsTwiceAndEveryCallIsAnswered()
    {
        var primary = await Cluster.PrimaryOfAsync(0);
        var replica = await Cluster.ReplicaOfAsync(primary);

        var report = await RunLoadAsync(waitForReplicas: 0, () => Cluster.FailoverAsync(replica.Port, ClusterTimeout));

        AssertEveryCallAnswered(report);
        Assert.Empty(report.KeysRunMoreThanOnce);
        Assert.Empty(report.KeysRunConcurrently);
        await AssertEveryKeyReplaysAsync(report.Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task ExecuteAsync_PrimaryKilledUnderLoad_FailsClosedRecoversAndRunsAgainOnlyWhatRedisLost(int waitForReplicas)
    {
        var primary = await Cluster.PrimaryOfAsync(0);

        var report = await RunLoadAsync(waitForReplicas, async () =>
        {
            var failover = await Cluster.KillAsync(primary.Port, ClusterTimeout);
            output.WriteLine($"killed the primary at {primary.Port} (slots {string.Join(",", primary.Slots)}): its replica served them {failover.TotalSeconds:F1} s later");
            await Cluster.RestartAsync(primary.Port, ClusterTimeout);
        });

        AssertEveryCallAnswered(report);
        Assert.NotNull(report.FailedClosed);
        if (waitForReplicas > 0)
        {
            // Every claim, renewal and completion a caller relied on was on the replica before the kill.
            Assert.Empty(report.KeysRunMoreThanOnce);
            Assert.Empty(report.KeysRunConcurrently);
        }
        else
        {
            // A write the dying primary acknowledged but had not sent yet is lost: only keys of its slots can run again.
            var lostShard = report.KeysRunMoreThanOnce.Concat(report.KeysRunConcurrently)
                .Where(key => !primary.Serves(Multiplexer.GetHashSlot(ClusterKeys.RedisKeyOf(InstanceName, "orders", key))));
            Assert.Empty(lostShard);
        }

        await AssertEveryKeyReplaysAsync(report.Keys);
    }

    private async Task<ClusterLoadReport> RunLoadAsync(int waitForReplicas, Func<Task> disruption)
    {
        var store = new RedisIdempotencyStore(Multiplexer, new RedisStoreOptions { InstanceName = InstanceName, WaitForReplicas = waitForReplicas });
        var options = new IdempotencyOptions();
        options.DefaultPolicy.Lease = Lease;
        var load = new ClusterLoad(IdempotencyExecutor.Create(options, store), KeysPerBlock, Callers);
        var report = await load.RunAsync(disruptAfter: TimeSpan.FromSeconds(1), disruption, LoadTimeout);
        output.WriteLine($"WaitForReplicas = {waitForReplicas}: {report}");
        foreach (var error in report.Unexpected.Take(3))
        {
            output.WriteLine(error.ToString());
        }

        return report;
    }

    private static void AssertEveryCallAnswered(ClusterLoadReport report)
    {
        Assert.Empty(report.Unexpected);
        Assert.Empty(report.KeysNeverRun);
        Assert.Equal(report.Calls, report.Executed + report.Replayed);
        Assert.Equal(0, report.NotStored);
    }

    // Recovery by itself: through the same multiplexer, every key now replays and none runs.
    private async Task AssertEveryKeyReplaysAsync(int keys)
    {
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), new RedisIdempotencyStore(Multiplexer, new RedisStoreOptions { InstanceName = InstanceName }));
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < keys; i = Interlocked.Increment(ref next))
            {
                var result = await executor.ExecuteAsync(new IdempotencyRequest("orders", ClusterLoad.KeyOf(i)), _ => ValueTask.FromResult(-1), CancellationToken.None);
                Assert.Equal(IdempotencyOutcome.Replayed, result.Outcome);
            }
        })));
    }
}
