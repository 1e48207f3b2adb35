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
    }
}
