namespace Idempotency;

/// <summary>The key was already used with a different request fingerprint (HTTP 422). Nothing ran.</summary>
public sealed class IdempotencyKeyReusedException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyKeyReusedException"/> class.</summary>
    /// <param name="storeKey">The store key (holds no raw key).</param>
    public IdempotencyKeyReusedException(string storeKey)
        : base("The idempotency key was already used with a different request.") => StoreKey = storeKey;

    /// <summary>Gets the store key.</summary>
    public string StoreKey { get; }
}
