namespace Idempotency.StackExchangeRedis;

/// <summary>Every default value of the Redis store in one place.</summary>
internal static class RedisStoreDefaults
{
    public const string InstanceName = "";
    public const int Database = -1;
    public const RedisEvictionCheck EvictionCheck = RedisEvictionCheck.Warn;
    public const int WaitForReplicas = 0;

    // Replicas on a healthy network acknowledge in about a round trip; longer means one is down or far behind.
    public static readonly TimeSpan WaitForReplicasTimeout = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaxWaitForReplicasTimeout = TimeSpan.FromMinutes(1);

    // Redis accepts keys up to 512 MB; a bound keeps a misconfigured prefix from bloating every record.
    public const int MaxInstanceNameLength = 256;
}
