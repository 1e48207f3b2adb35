namespace Idempotency.StackExchangeRedis;

/// <summary>Every problem of the store options, checked at start-up and when a store is created.</summary>
internal static class RedisStoreOptionsValidator
{
    public static IEnumerable<string> Errors(RedisStoreOptions options)
    {
        if (options.InstanceName is null)
        {
            yield return "RedisStoreOptions.InstanceName must not be null (use the empty string for no prefix).";
        }
        else if (options.InstanceName.Length > RedisStoreDefaults.MaxInstanceNameLength)
        {
            yield return $"RedisStoreOptions.InstanceName must be at most {RedisStoreDefaults.MaxInstanceNameLength} characters.";
        }

        if (options.Database < -1)
        {
            yield return "RedisStoreOptions.Database must be -1 (the multiplexer's default) or a database number.";
        }

        if (!Enum.IsDefined(options.EvictionCheck))
        {
            yield return "RedisStoreOptions.EvictionCheck must be Warn, Refuse or Allow.";
        }

        if (options.WaitForReplicas < 0)
        {
            yield return "RedisStoreOptions.WaitForReplicas must be 0 (do not wait) or a number of replicas.";
        }

        if (options.WaitForReplicasTimeout < TimeSpan.FromMilliseconds(1) || options.WaitForReplicasTimeout > RedisStoreDefaults.MaxWaitForReplicasTimeout)
        {
            yield return $"RedisStoreOptions.WaitForReplicasTimeout must be between 1 millisecond and {RedisStoreDefaults.MaxWaitForReplicasTimeout.TotalSeconds} seconds.";
        }
    }
}
