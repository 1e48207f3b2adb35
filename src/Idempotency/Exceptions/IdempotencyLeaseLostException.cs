namespace Idempotency;

/// <summary>
/// The claim's lease was taken over by another owner, so this owner's completion was not stored (fencing).
/// Thrown only by the manual <see cref="IdempotencyClaim"/> API; <c>ExecuteAsync</c> logs, counts and returns its result.
/// </summary>
public sealed class IdempotencyLeaseLostException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyLeaseLostException"/> class.</summary>
    /// <param name="storeKey">The store key.</param>
    public IdempotencyLeaseLostException(string storeKey)
        : base("The idempotency lease was lost to another owner; the result was not stored.") => StoreKey = storeKey;

    /// <summary>Gets the store key.</summary>
    public string StoreKey { get; }
}
