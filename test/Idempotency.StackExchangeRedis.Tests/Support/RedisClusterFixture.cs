using Idempotency.TestServers;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>
/// A Redis Cluster (3 primaries, 3 replicas) and a multiplexer to it, shared by a test collection, or owned by one test
/// class whose tests change the cluster (failovers).
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; } = new();

    public ConnectionMultiplexer Multiplexer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Cluster.InitializeAsync();

        // What docs/stores/redis.md recommends: a call fails within about a second, the multiplexer reconnects by itself.
        // Admin commands allowed, for DEBUG SLEEP.
        var configuration = ConfigurationOptions.Parse(Cluster.ConnectionString);
        configuration.AbortOnConnectFail = false;
        configuration.SyncTimeout = 1000;
        configuration.AsyncTimeout = 1000;
        configuration.ConnectTimeout = 1000;
        configuration.AllowAdmin = true;
        Multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
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
