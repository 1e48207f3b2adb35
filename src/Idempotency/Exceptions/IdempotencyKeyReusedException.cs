namespace Idempotency;

/// <summary>The key was already used with a different request fingerprint (HTTP 422). Nothing ran.</summary>
public sealed class IdempotencyKeyReusedException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyKeyReusedException"/> class.</summary>
    /// <param name="storeKey">The store key (holds no raw key).</param>
    /// <param name="operation">The operation (or, over HTTP, the endpoint's route pattern) that was called with the key.</param>
    public IdempotencyKeyReusedException(string storeKey, string operation)
        : base($"The idempotency key sent to '{operation}' was already used with a different request (another payload, or another operation of the same scope). Send a new key for a new request.")
    {
        StoreKey = storeKey;
        Operation = operation;
    }

    /// <summary>Gets the store key.</summary>
    public string StoreKey { get; }

    /// <summary>Gets the operation (or route pattern) that was called with the reused key.</summary>
    public string Operation { get; }
}
