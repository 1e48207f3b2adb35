namespace Idempotency.StackExchangeRedis;

/// <summary>Every default value of the Redis store in one place.</summary>
internal static class RedisStoreDefaults
{
    public const string InstanceName = "";
    public const int Database = -1;
    public const RedisEvictionCheck EvictionCheck = RedisEvictionCheck.Warn;

    // Redis accepts keys up to 512 MB; a bound keeps a misconfigured prefix from bloating every record.
    public const int MaxInstanceNameLength = 256;
}
