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

    /// <summary>Maps the answer of an owner-guarded script to "done" or "lease lost", or throws for foreign data.</summary>
    public static bool OwnedAnswer(RedisResult result, string key) => (long)result switch
    {
        RedisScripts.Done => true,
        RedisScripts.LeaseLost => false,
        RedisScripts.WrongType => throw WrongType(key),
        _ => throw Unreadable(key),
    };
}
