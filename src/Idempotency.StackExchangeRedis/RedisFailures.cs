using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis;

/// <summary>Turns driver failures into the store contract's exceptions: a failure is never reported as "absent".</summary>
internal static class RedisFailures
{
    /// <summary>Connection failures, timeouts and server errors (LOADING, READONLY, OOM, BUSY, CLUSTERDOWN, ...).</summary>
    public static bool IsBackendFailure(Exception exception) => exception is RedisException or RedisTimeoutException;

    public static bool IsWrongType(Exception exception) =>
        exception is RedisServerException && exception.Message.Contains("WRONGTYPE", StringComparison.Ordinal);

    public static IdempotencyStoreUnavailableException Unavailable(Exception exception, string operation) =>
        new($"Redis failed during {operation}: {exception.Message}", exception);

    public static IdempotencyRecordCorruptException WrongType(string key) =>
        new(key, "the Redis key holds another data type (not a string value written by this store)");

    public static IdempotencyRecordCorruptException Unreadable(string key) =>
        new(key, "the Redis value is not a record of this store (too short, unknown format revision or truncated)");

    /// <summary>What to register when the container has no multiplexer for the store: the DI error alone names neither the type to create nor the option.</summary>
    public static InvalidOperationException NoMultiplexer(object? serviceKey) => new(serviceKey is null
        ? "AddRedisStore needs an IConnectionMultiplexer in the services, and none is registered. Register one, e.g. " +
          "services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(\"redis:6379,abortConnect=false\")). " +
          "To use a keyed multiplexer instead, set RedisStoreOptions.ConnectionMultiplexerServiceKey to its key."
        : $"AddRedisStore needs the IConnectionMultiplexer registered under the key {Describe(serviceKey)} " +
          "(RedisStoreOptions.ConnectionMultiplexerServiceKey), and none is. Register it, e.g. " +
          $"services.AddKeyedSingleton<IConnectionMultiplexer>({Describe(serviceKey)}, (_, _) => ConnectionMultiplexer.Connect(\"redis:6379,abortConnect=false\")); " +
          "or leave RedisStoreOptions.ConnectionMultiplexerServiceKey null to use the unkeyed multiplexer.");

    /// <summary>Maps the answer of an owner-guarded script to "done" or "lease lost", or throws for foreign data.</summary>
    public static bool OwnedAnswer(RedisResult result, string key) => (long)result switch
    {
        RedisScripts.Done => true,
        RedisScripts.LeaseLost => false,
        RedisScripts.WrongType => throw WrongType(key),
        _ => throw Unreadable(key),
    };

    private static string Describe(object key) => key is string text ? $"\"{text}\"" : key.ToString() ?? key.GetType().Name;
}
