namespace Idempotency.StackExchangeRedis;

/// <summary>
/// What the Redis store does about a server that may evict its records: one with a memory limit (<c>maxmemory</c>) and
/// an eviction policy other than <c>noeviction</c>. Such a server drops live records to make room for new keys, and a
/// retry whose record was dropped runs the operation again.
/// </summary>
public enum RedisEvictionCheck
{
    /// <summary>
    /// Read the policy of every primary at the first claim and in every store health check; when eviction can drop
    /// records (or the policy cannot be read), log a warning once and report the health check Degraded. Claims go on.
    /// </summary>
    Warn = 0,

    /// <summary>
    /// Fail closed: claims throw <see cref="IdempotencyStoreMisconfiguredException"/> (HTTP 503) until every primary is
    /// read as safe — <c>maxmemory-policy noeviction</c> or <c>maxmemory 0</c> — and the health check reports its failure
    /// status meanwhile. Fixing the server takes effect at the next claim, without a restart.
    /// </summary>
    Refuse = 1,

    /// <summary>Eviction is explicitly allowed: the store does not read the policy, logs nothing and stays healthy.</summary>
    Allow = 2,
}
