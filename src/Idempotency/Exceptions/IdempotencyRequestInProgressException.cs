namespace Idempotency;

/// <summary>Another owner is still running the operation for this key (HTTP 409 with <c>Retry-After</c>). Nothing ran.</summary>
public sealed class IdempotencyRequestInProgressException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyRequestInProgressException"/> class.</summary>
    /// <param name="storeKey">The store key.</param>
    /// <param name="retryAfter">When a retry is worth trying.</param>
    /// <param name="leaseExpiresAt">When the current owner's lease ends unless renewed.</param>
    public IdempotencyRequestInProgressException(string storeKey, TimeSpan retryAfter, DateTimeOffset leaseExpiresAt)
        : base("A request with this idempotency key is already in progress.")
    {
        StoreKey = storeKey;
        RetryAfter = retryAfter;
        LeaseExpiresAt = leaseExpiresAt;
    }

    /// <summary>Gets the store key.</summary>
    public string StoreKey { get; }

    /// <summary>Gets how long the caller should wait before retrying.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Gets when the current owner's lease ends unless renewed; after it anyone may take over.</summary>
    public DateTimeOffset LeaseExpiresAt { get; }
}
