namespace Idempotency;

/// <summary>The operation failed earlier and the policy remembered the failure. Nothing ran.</summary>
public sealed class IdempotencyPreviouslyFailedException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyPreviouslyFailedException"/> class.</summary>
    /// <param name="storeKey">The store key.</param>
    /// <param name="errorType">The full type name of the stored exception.</param>
    /// <param name="errorMessage">The stored exception message.</param>
    /// <param name="expiresAt">When the failed record expires and the key may run again.</param>
    public IdempotencyPreviouslyFailedException(string storeKey, string errorType, string errorMessage, DateTimeOffset expiresAt)
        : base($"The operation failed earlier with {errorType}: {errorMessage}")
    {
        StoreKey = storeKey;
        ErrorType = errorType;
        ErrorMessage = errorMessage;
        ExpiresAt = expiresAt;
    }

    /// <summary>Gets the store key.</summary>
    public string StoreKey { get; }

    /// <summary>Gets the full type name of the stored exception.</summary>
    public string ErrorType { get; }

    /// <summary>Gets the stored exception message.</summary>
    public string ErrorMessage { get; }

    /// <summary>Gets when the failed record expires.</summary>
    public DateTimeOffset ExpiresAt { get; }
}
