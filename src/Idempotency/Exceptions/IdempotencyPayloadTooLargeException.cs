namespace Idempotency;

/// <summary>The payload was too large for the integration to fingerprint (HTTP 413). Nothing ran.</summary>
public sealed class IdempotencyPayloadTooLargeException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyPayloadTooLargeException"/> class.</summary>
    /// <param name="operation">The operation.</param>
    public IdempotencyPayloadTooLargeException(string operation)
        : base($"The payload of operation '{operation}' is too large to fingerprint.") => Operation = operation;

    /// <summary>Gets the operation.</summary>
    public string Operation { get; }
}
