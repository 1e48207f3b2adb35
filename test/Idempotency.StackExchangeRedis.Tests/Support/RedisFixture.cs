using Idempotency.TestServers;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>One redis-server for the test collection, and a multiplexer to it (admin commands allowed).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; } = new();

    public ConnectionMultiplexer Multiplexer { get; private set; } = null!;

    public IDatabase Database => Multiplexer.GetDatabase();

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Multiplexer = await ConnectionMultiplexer.ConnectAsync(Server.ConnectionString + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        if (Multiplexer is not null)
        {
            await Multiplexer.DisposeAsync();
        }

        await Server.DisposeAsync();
    }

    /// <summary>A store with its own key prefix, so tests never see each other's records.</summary>
    public RedisIdempotencyStore CreateStore(out string instanceName)
    {
        instanceName = $"test-{Guid.NewGuid():N}:";
        return new RedisIdempotencyStore(Multiplexer, new RedisStoreOptions { InstanceName = instanceName });
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}
