namespace Idempotency;

/// <summary>
/// The store answered, but it is not set up to keep idempotency records safely — its table is missing, or the server
/// may evict live records — and its message says what to change. Fails closed like every
/// <see cref="IdempotencyStoreUnavailableException"/> (HTTP 503): nothing ran.
/// </summary>
/// <remarks>
/// The problem recurs on every call until someone fixes the set-up, so the engine logs it without a stack trace and at
/// most once a minute, rather than once a call.
/// </remarks>
public sealed class IdempotencyStoreMisconfiguredException : IdempotencyStoreUnavailableException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyStoreMisconfiguredException"/> class.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The driver's exception, if any.</param>
    public IdempotencyStoreMisconfiguredException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
