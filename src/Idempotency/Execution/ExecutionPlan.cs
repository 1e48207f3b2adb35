namespace Idempotency;

/// <summary>
/// Everything the engine resolves once per request before touching the store: the policy, the TTL, the store key and
/// the fingerprint. (Not to be confused with <see cref="IdempotencyRequest.Scope"/>, the tenant or principal.)
/// </summary>
internal sealed class ExecutionPlan
{
    /// <summary>The operation: the store key's third segment.</summary>
    public required string Operation { get; init; }

    /// <summary>What logs, metrics and spans call the request (the operation unless the integration names it).</summary>
    public required string Name { get; init; }

    public required string PolicyName { get; init; }

    public required IdempotencyPolicy Policy { get; init; }

    public required TimeSpan Ttl { get; init; }

    public required KeyRequirement KeyRequirement { get; init; }

    /// <summary>The store key, or <see langword="null"/> when the request has no key.</summary>
    public required string? StoreKey { get; init; }

    public required string Fingerprint { get; init; }

    /// <summary>
    /// How long the claim keeps an in-progress record: never shorter than the lease, or the record would expire while
    /// its owner still runs and a second caller would run the operation again.
    /// </summary>
    public TimeSpan ClaimTtl => Ttl > Policy.Lease ? Ttl : Policy.Lease;
}
