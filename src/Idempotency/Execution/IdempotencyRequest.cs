namespace Idempotency;

/// <summary>What names one idempotent execution.</summary>
/// <param name="Operation">The operation (handler, event type or function): the third segment of the store key.</param>
/// <param name="Key">The caller's key, or <see langword="null"/> when none was given. An empty key is invalid, not missing.</param>
public readonly record struct IdempotencyRequest(string Operation, string? Key)
{
    /// <summary>Gets the scope (tenant, principal, API key) that isolates keys; hashed into the store key.</summary>
    public string? Scope { get; init; }

    /// <summary>Gets the fingerprint of the request material (see <see cref="ContentHash"/>); a key reused with another fingerprint is rejected.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Gets the name of the policy to apply; the default policy when <see langword="null"/>.</summary>
    public string? Policy { get; init; }

    /// <summary>
    /// Gets what logs, metrics, spans and <see cref="IdempotencyOptions.OperationTtls"/> call this request, when it differs
    /// from <see cref="Operation"/> (for example an HTTP route, while the store key names one request across the API).
    /// At most 200 characters; <see cref="Operation"/> when <see langword="null"/>.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>Gets whether a key is required, overriding the policy's <see cref="IdempotencyPolicy.KeyRequirement"/> (for example an endpoint's own setting).</summary>
    public KeyRequirement? KeyRequirement { get; init; }

    /// <summary>
    /// Gets why an integration could not read the key (for example a malformed header), or <see langword="null"/>. The
    /// engine then answers <see cref="IdempotencyClaimStatus.KeyInvalid"/> with this reason, counted like any invalid key.
    /// </summary>
    public string? KeyProblem { get; init; }

    /// <summary>Gets whether the integration found the payload too large to fingerprint: answered <see cref="IdempotencyClaimStatus.PayloadTooLarge"/>.</summary>
    public bool PayloadTooLarge { get; init; }

    /// <summary>
    /// Gets the instant the caller will be stopped at (a function invocation's timeout), or <see langword="null"/>. The
    /// claim's lease, and every renewal of it, ends by then at the latest: a caller killed at that instant leaves a key
    /// the next caller can take at once, instead of one held for a whole <see cref="IdempotencyPolicy.Lease"/>. A wait
    /// for another caller's run (<see cref="IdempotencyPolicy.InProgressWait"/>) ends by then too.
    /// </summary>
    public DateTimeOffset? LeaseDeadline { get; init; }
}
