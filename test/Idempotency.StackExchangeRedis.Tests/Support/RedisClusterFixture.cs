using Idempotency.TestServers;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>One Redis Cluster (3 primaries, 3 replicas) for the test collection, and a multiplexer to it (admin commands allowed).</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; } = new();

    public ConnectionMultiplexer Multiplexer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Cluster.InitializeAsync();
        Multiplexer = await ConnectionMultiplexer.ConnectAsync(Cluster.ConnectionString + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        if (Multiplexer is not null)
        {
            await Multiplexer.DisposeAsync();
        }

        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis-cluster";
}
