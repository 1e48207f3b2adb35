namespace Idempotency;

/// <summary>What an <see cref="IdempotencyClaim"/> that stops the work tells beside its status (see its properties).</summary>
internal sealed class RejectionDetails
{
    public TimeSpan RetryAfter { get; init; }

    public DateTimeOffset? LeaseExpiresAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorMessage { get; init; }

    public string? Reason { get; init; }

    public IdempotencyStoreUnavailableException? StoreFailure { get; init; }
}
