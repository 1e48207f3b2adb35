namespace Idempotency.StackExchangeRedis;

/// <summary>The eviction policies of every primary, judged together: one server that may evict is enough to lose records.</summary>
internal sealed class RedisEvictionFinding
{
    private RedisEvictionFinding(IReadOnlyList<RedisMemoryPolicy> servers)
    {
        Evicting = string.Join("; ", servers.Where(static s => s.MayEvict));
        Unreadable = string.Join("; ", servers.Where(static s => !s.IsKnown));
        All = string.Join("; ", servers);
    }

    /// <summary>Gets the servers that may evict records, described; empty when none.</summary>
    public string Evicting { get; }

    /// <summary>Gets the servers whose policy could not be read, with the reason; empty when none.</summary>
    public string Unreadable { get; }

    public bool IsSafe => Evicting.Length == 0 && Unreadable.Length == 0;

    private string All { get; }

    public static RedisEvictionFinding Of(IReadOnlyList<RedisMemoryPolicy> servers) => new(servers);

    /// <summary>What is wrong and what to change, for the health check and a refused claim.</summary>
    public string Describe(RedisEvictionCheck mode)
    {
        if (IsSafe)
        {
            return $"Redis keeps idempotency records when full ({All}).";
        }

        var consequence = mode == RedisEvictionCheck.Refuse
            ? "The store refuses claims until then (RedisStoreOptions.EvictionCheck = Refuse); Warn or Allow accept the risk."
            : "RedisStoreOptions.EvictionCheck = Refuse makes the store refuse claims until then; Allow accepts the risk.";
        return Evicting.Length > 0
            ? $"Redis may evict idempotency records when it runs out of memory ({Evicting}); a retry whose record was evicted runs the operation again. Set maxmemory-policy noeviction (or maxmemory 0) on every primary: a full Redis then refuses new claims, which fail closed, instead of forgetting records. {consequence}"
            : $"The Redis eviction policy could not be read ({Unreadable}). Make sure maxmemory-policy is noeviction (or maxmemory 0) on every primary, then set RedisStoreOptions.EvictionCheck = Allow to skip this check. {consequence}";
    }
}
