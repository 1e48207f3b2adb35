namespace Idempotency;

/// <summary>The base of every exception the engine throws for an idempotency outcome.</summary>
public abstract class IdempotencyException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected IdempotencyException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
