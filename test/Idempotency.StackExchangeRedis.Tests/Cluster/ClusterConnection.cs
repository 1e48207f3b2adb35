using Idempotency.TestServers;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>The multiplexer settings docs/stores/redis.md recommends, on a test cluster: fail within about a second, reconnect by itself.</summary>
public static class ClusterConnection
{
    public static Task<ConnectionMultiplexer> ConnectAsync(RedisCluster cluster)
    {
        var configuration = ConfigurationOptions.Parse(cluster.ConnectionString);
        configuration.AbortOnConnectFail = false;
        configuration.SyncTimeout = 1000;
        configuration.AsyncTimeout = 1000;
        configuration.ConnectTimeout = 1000;
        return ConnectionMultiplexer.ConnectAsync(configuration);
    }
}
