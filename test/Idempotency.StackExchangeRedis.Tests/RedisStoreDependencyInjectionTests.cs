using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

[Collection(RedisCollection.Name)]
public sealed class RedisStoreDependencyInjectionTests(RedisFixture redis)
{
    [Fact]
    public async Task AddRedisStore_AfterAddIdempotency_ReplacesInMemoryStoreAndExecutesOnRedis()
    {
        var instanceName = $"di-{Guid.NewGuid():N}:";
        var services = new ServiceCollection();
        services.AddSingleton<IConnectionMultiplexer>(redis.Multiplexer);
        services.AddIdempotency().AddRedisStore(options => options.InstanceName = instanceName);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IIdempotencyStore>();
        var executor = provider.GetRequiredService<IIdempotencyExecutor>();
        var runs = new HandlerRuns();
        var first = await executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), runs.Handler, CancellationToken.None);
        var replay = await executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), runs.Handler, CancellationToken.None);

        Assert.IsType<RedisIdempotencyStore>(store);
        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(IIdempotencyStore));
        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
        Assert.Equal(1, runs.Count);
        await RedisKeys.OnlyUnderAsync(redis, instanceName);
    }

    [Fact]
    public async Task AddRedisStore_WithServiceKey_UsesKeyedMultiplexer()
    {
        var instanceName = $"keyed-{Guid.NewGuid():N}:";
        var services = new ServiceCollection();
        services.AddKeyedSingleton<IConnectionMultiplexer>("idempotency", redis.Multiplexer);
        services.AddIdempotency().AddRedisStore(options =>
        {
            options.InstanceName = instanceName;
            options.ConnectionMultiplexerServiceKey = "idempotency";
        });
        await using var provider = services.BuildServiceProvider();

        var executor = provider.GetRequiredService<IIdempotencyExecutor>();
        var result = await executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), new HandlerRuns().Handler, CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        await RedisKeys.OnlyUnderAsync(redis, instanceName);
    }

    [Fact]
    public async Task AddRedisStore_InvalidOptions_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConnectionMultiplexer>(redis.Multiplexer);
        services.AddIdempotency().AddRedisStore(options => options.Database = -7);
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Database", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 500, "WaitForReplicas")]
    [InlineData(1, 0, "WaitForReplicasTimeout")]
    [InlineData(1, 120_000, "WaitForReplicasTimeout")]
    public async Task AddRedisStore_InvalidWaitForReplicas_FailsValidation(int replicas, int timeoutMilliseconds, string option)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConnectionMultiplexer>(redis.Multiplexer);
        services.AddIdempotency().AddRedisStore(options =>
        {
            options.WaitForReplicas = replicas;
            options.WaitForReplicasTimeout = TimeSpan.FromMilliseconds(timeoutMilliseconds);
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains($"RedisStoreOptions.{option} must", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddRedisStore_NoMultiplexerRegistered_ThrowsNamingTheRegistration()
    {
        var services = new ServiceCollection();
        services.AddIdempotency().AddRedisStore();
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IIdempotencyStore>());

        Assert.Contains("IConnectionMultiplexer", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionMultiplexer.Connect(", error.Message, StringComparison.Ordinal);
        Assert.Contains("RedisStoreOptions.ConnectionMultiplexerServiceKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddRedisStore_KeyedMultiplexerMissing_ThrowsNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConnectionMultiplexer>(redis.Multiplexer);
        services.AddIdempotency().AddRedisStore(options => options.ConnectionMultiplexerServiceKey = "idempotency-redis");
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IIdempotencyStore>());

        Assert.Contains("AddKeyedSingleton<IConnectionMultiplexer>(\"idempotency-redis\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisIdempotencyStore(redis.Multiplexer, new RedisStoreOptions { InstanceName = null! }));

        Assert.Contains("InstanceName", error.Message, StringComparison.Ordinal);
    }
}
