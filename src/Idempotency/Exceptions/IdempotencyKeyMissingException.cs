namespace Idempotency;

/// <summary>The policy requires a key and none was given (HTTP 400).</summary>
public sealed class IdempotencyKeyMissingException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyKeyMissingException"/> class.</summary>
    /// <param name="operation">The operation that requires a key.</param>
    public IdempotencyKeyMissingException(string operation)
        : base($"Operation '{operation}' requires an idempotency key and none was given.") => Operation = operation;

    /// <summary>Gets the operation that requires a key.</summary>
    public string Operation { get; }
}
