namespace Idempotency.StackExchangeRedis;

/// <summary>Options of <see cref="RedisIdempotencyStore"/>, shaped like the options of Microsoft's Redis distributed cache.</summary>
/// <remarks>
/// Connection settings (endpoints, passwords, TLS, timeouts, reconnection) belong to the <c>IConnectionMultiplexer</c>
/// the application registers; the store only chooses which multiplexer, which database and which key prefix it uses.
/// </remarks>
public sealed class RedisStoreOptions
{
    /// <summary>
    /// Gets or sets the text put in front of every Redis key the store writes, to share one Redis between applications.
    /// The store keys themselves already start with the engine's key prefix and service name.
    /// </summary>
    /// <value>The default value is the empty string (no extra prefix).</value>
    public string InstanceName { get; set; } = RedisStoreDefaults.InstanceName;

    /// <summary>Gets or sets the Redis database number; -1 means the multiplexer's default database.</summary>
    /// <value>The default value is -1.</value>
    public int Database { get; set; } = RedisStoreDefaults.Database;

    /// <summary>
    /// Gets or sets the key of the keyed <c>IConnectionMultiplexer</c> service to use;
    /// <see langword="null"/> uses the unkeyed <c>IConnectionMultiplexer</c> service.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public object? ConnectionMultiplexerServiceKey { get; set; }

    /// <summary>
    /// Gets or sets what the store does when a Redis primary may evict records (a <c>maxmemory</c> limit with an eviction
    /// policy other than <c>noeviction</c>): warn and report the health check Degraded, refuse claims, or allow it.
    /// </summary>
    /// <value>The default value is <see cref="RedisEvictionCheck.Warn"/>.</value>
    public RedisEvictionCheck EvictionCheck { get; set; } = RedisStoreDefaults.EvictionCheck;

    /// <summary>
    /// Gets or sets how many replicas must have a claim, a completion or a renewal before the store reports it done
    /// (Redis <c>WAIT</c> after the write). Redis replicates asynchronously: without waiting, a primary that dies before
    /// its replica has a record loses it in the failover, and that key can run again. A write the replicas do not
    /// acknowledge within <see cref="WaitForReplicasTimeout"/> fails closed (<see cref="IdempotencyStoreUnavailableException"/>;
    /// a claim is released and its work does not run). Costs one round trip per write, and holds the connection to that
    /// primary meanwhile; see docs/stores/redis.md, "Redis Cluster".
    /// </summary>
    /// <value>The default value is 0 (do not wait).</value>
    public int WaitForReplicas { get; set; } = RedisStoreDefaults.WaitForReplicas;

    /// <summary>
    /// Gets or sets how long a write waits for <see cref="WaitForReplicas"/> replicas before failing closed. Keep it well
    /// under the multiplexer's <c>asyncTimeout</c>, which otherwise fails the wait first.
    /// </summary>
    /// <value>The default value is 500 milliseconds.</value>
    public TimeSpan WaitForReplicasTimeout { get; set; } = RedisStoreDefaults.WaitForReplicasTimeout;
}
