namespace Idempotency;

/// <summary>
/// The operation ran but its result could not be stored (the store failed or refused the size). The key is marked failed
/// with this error, so a retry gets <see cref="IdempotencyPreviouslyFailedException"/> instead of running the work again.
/// </summary>
public sealed class IdempotencyResultNotStoredException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyResultNotStoredException"/> class.</summary>
    /// <param name="innerException">The store's failure.</param>
    public IdempotencyResultNotStoredException(Exception innerException)
        : base("The operation ran but its result could not be stored.", innerException)
    {
    }
}
