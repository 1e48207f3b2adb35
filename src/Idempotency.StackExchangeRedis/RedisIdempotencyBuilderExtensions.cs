using Idempotency.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis idempotency store.</summary>
public static class RedisIdempotencyBuilderExtensions
{
    /// <summary>
    /// Uses Redis as the idempotency store, over the <see cref="IConnectionMultiplexer"/> registered in the services.
    /// Replaces the default in-memory store.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddRedisStore(this IIdempotencyBuilder builder) => builder.AddRedisStore(static _ => { });

    /// <summary>
    /// Uses Redis as the idempotency store, over the <see cref="IConnectionMultiplexer"/> registered in the services
    /// (the keyed one when <see cref="RedisStoreOptions.ConnectionMultiplexerServiceKey"/> is set).
    /// Replaces the default in-memory store.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the store (validated at start-up).</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddRedisStore(this IIdempotencyBuilder builder, Action<RedisStoreOptions> configure)
    {
        return builder.AddStore(configure, RedisStoreOptionsValidator.Errors, static (services, options) =>
        {
            var multiplexer = (options.ConnectionMultiplexerServiceKey is { } serviceKey
                ? services.GetKeyedService<IConnectionMultiplexer>(serviceKey)
                : services.GetService<IConnectionMultiplexer>()) ?? throw RedisFailures.NoMultiplexer(options.ConnectionMultiplexerServiceKey);
            return new RedisIdempotencyStore(multiplexer, options, services.GetService<ILoggerFactory>());
        });
    }
}
