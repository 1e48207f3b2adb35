namespace Idempotency;

/// <summary>
/// Everything the engine resolves once per request before touching the store: the policy, the TTL, the store key and
/// the fingerprint. (Not to be confused with <see cref="IdempotencyRequest.Scope"/>, the tenant or principal.)
/// </summary>
internal sealed class ExecutionPlan
{
    private static readonly TimeSpan MinimumLease = TimeSpan.FromMilliseconds(1);

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

    /// <summary>The instant no lease may outlast (<see cref="IdempotencyRequest.LeaseDeadline"/>), or <see langword="null"/>.</summary>
    public DateTimeOffset? LeaseDeadline { get; init; }

    /// <summary>
    /// How long the claim keeps an in-progress record: never shorter than the lease, or the record would expire while
    /// its owner still runs and a second caller would run the operation again.
    /// </summary>
    public TimeSpan ClaimTtl => Ttl > Policy.Lease ? Ttl : Policy.Lease;

    /// <summary>
    /// Until when a caller that finds the key in progress keeps polling: <see cref="IdempotencyPolicy.InProgressWait"/>
    /// from <paramref name="now"/>, cut short at the lease deadline, since a caller stopped then gains nothing by waiting.
    /// </summary>
    public DateTimeOffset WaitUntil(DateTimeOffset now)
    {
        var end = now + Policy.InProgressWait;
        return LeaseDeadline is { } deadline && deadline < end ? deadline : end;
    }

    /// <summary>
    /// The lease a claim or renewal at <paramref name="now"/> asks for: the policy's, cut short at the lease deadline. At
    /// least a millisecond, since stores take a positive lease; a caller past its deadline is about to be stopped anyway.
    /// </summary>
    public TimeSpan LeaseAt(DateTimeOffset now)
    {
        if (LeaseDeadline is not { } deadline || deadline - now >= Policy.Lease)
        {
            return Policy.Lease;
        }

        return deadline - now > MinimumLease ? deadline - now : MinimumLease;
    }
}
