namespace Idempotency;

/// <summary>
/// An earlier run with this key completed, but its result is not stored (it could not be serialized, an integration
/// marked it — for example a response above the size cap —, or the store kept failing until the lease ended). The work
/// is not run again for the key's TTL: check its effect before using a new key.
/// </summary>
public sealed class IdempotencyResultNotStoredException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyResultNotStoredException"/> class.</summary>
    /// <param name="storeKey">The store key.</param>
    /// <param name="reason">Why the result is not stored.</param>
    /// <param name="expiresAt">When the marker expires and the key may run again.</param>
    public IdempotencyResultNotStoredException(string storeKey, string reason, DateTimeOffset expiresAt)
        : base($"The operation ran earlier but its result is not stored: {reason}")
    {
        StoreKey = storeKey;
        Reason = reason;
        ExpiresAt = expiresAt;
    }

    /// <summary>Gets the store key.</summary>
    public string StoreKey { get; }

    /// <summary>Gets why the result is not stored.</summary>
    public string Reason { get; }

    /// <summary>Gets when the marker expires.</summary>
    public DateTimeOffset ExpiresAt { get; }
}
