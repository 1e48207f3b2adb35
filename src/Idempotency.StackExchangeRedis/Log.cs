using Microsoft.Extensions.Logging;

namespace Idempotency.StackExchangeRedis;

/// <summary>The Redis store's log events (ids 3001–3099). Shipped names are a contract; keys are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Warning, "Redis may evict idempotency records when it runs out of memory ({Servers}): a retry whose record was evicted runs the operation again. Set maxmemory-policy noeviction (or maxmemory 0); RedisStoreOptions.EvictionCheck = Refuse makes the store refuse claims until then, Allow accepts the risk", EventName = "RedisEvictionPossible")]
    public static partial void EvictionPossible(ILogger logger, string servers);

    [LoggerMessage(3002, LogLevel.Warning, "The Redis eviction policy could not be read ({Servers}). Make sure maxmemory-policy is noeviction (or maxmemory 0), then set RedisStoreOptions.EvictionCheck = Allow to skip this check", EventName = "RedisEvictionPolicyUnknown")]
    public static partial void EvictionPolicyUnknown(ILogger logger, string servers);
}
