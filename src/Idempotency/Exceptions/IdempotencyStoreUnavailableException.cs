namespace Idempotency;

/// <summary>
/// The store could not be reached or answered with an error (HTTP 503). Fail-closed: nothing ran.
/// <see cref="IdempotencyStoreFullException"/> is the case of a reachable store that refused a new key for want of room.
/// </summary>
public class IdempotencyStoreUnavailableException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyStoreUnavailableException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The driver's exception.</param>
    public IdempotencyStoreUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Gets or sets how long the caller should wait before retrying.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);
}
