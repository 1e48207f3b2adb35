namespace Idempotency;

/// <summary>The key does not pass validation (HTTP 400). The message says why, without echoing the key.</summary>
public sealed class IdempotencyKeyInvalidException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyKeyInvalidException"/> class.</summary>
    /// <param name="reason">Why the key is invalid.</param>
    /// <param name="innerException">The cause (for example a payload parse error), if any.</param>
    public IdempotencyKeyInvalidException(string reason, Exception? innerException = null)
        : base($"The idempotency key is invalid: {reason}", innerException) => Reason = reason;

    /// <summary>Gets why the key is invalid.</summary>
    public string Reason { get; }
}
