namespace Idempotency;

/// <summary>A stored value could not be read (foreign data, unknown format revision, truncated payload). Nothing ran.</summary>
public sealed class IdempotencyRecordCorruptException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyRecordCorruptException"/> class.</summary>
    /// <param name="storeKey">The store key.</param>
    /// <param name="reason">What is wrong with the value.</param>
    /// <param name="innerException">The cause, if any.</param>
    public IdempotencyRecordCorruptException(string storeKey, string reason, Exception? innerException = null)
        : base($"The idempotency record '{storeKey}' is unreadable: {reason}", innerException)
    {
        StoreKey = storeKey;
        Reason = reason;
    }

    /// <summary>Gets the store key.</summary>
    public string StoreKey { get; }

    /// <summary>Gets what is wrong with the value.</summary>
    public string Reason { get; }
}
