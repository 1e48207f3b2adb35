using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>The eviction policy check on a cluster: one read per primary (replicas do not evict on their own).</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterSetupCheckTests(RedisClusterFixture redis)
{
    [Fact]
    public async Task CheckSetupAsync_Cluster_ReadsEveryPrimaryAndNoReplica()
    {
        var store = new RedisIdempotencyStore(redis.Multiplexer, new RedisStoreOptions { EvictionCheck = RedisEvictionCheck.Refuse });

        var result = await store.CheckSetupAsync(CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        var nodes = await redis.Cluster.NodesAsync();
        Assert.All(nodes.Where(static node => node.IsPrimary), primary => Assert.Contains($"127.0.0.1:{primary.Port}", result.Description, StringComparison.Ordinal));
        Assert.All(nodes.Where(static node => !node.IsPrimary), replica => Assert.DoesNotContain($"127.0.0.1:{replica.Port}", result.Description, StringComparison.Ordinal));
    }
}
