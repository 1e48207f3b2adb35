namespace Idempotency.Testing;

// The records the tests expect to read back, built from the same arguments the tests pass to the store.
public abstract partial class IdempotencyStoreConformanceTests
{
    private static IdempotencyRecord InProgress(string key, string token, string fingerprint, DateTimeOffset claimedAt, TimeSpan? lease = null, TimeSpan? ttl = null) => new()
    {
        Key = key,
        Status = IdempotencyRecordStatus.InProgress,
        OwnerToken = token,
        Fingerprint = fingerprint,
        CreatedAt = claimedAt,
        LeaseExpiresAt = claimedAt + (lease ?? DefaultLease),
        ExpiresAt = claimedAt + (ttl ?? DefaultTtl),
    };

    private static IdempotencyRecord Completed(IdempotencyRecord claimed, ReadOnlyMemory<byte> payload, DateTimeOffset completedAt, TimeSpan? ttl = null) => new()
    {
        Key = claimed.Key,
        Status = IdempotencyRecordStatus.Completed,
        OwnerToken = claimed.OwnerToken,
        Fingerprint = claimed.Fingerprint,
        CreatedAt = claimed.CreatedAt,
        LeaseExpiresAt = completedAt,
        ExpiresAt = completedAt + (ttl ?? DefaultTtl),
        Payload = payload,
    };

    private static IdempotencyRecord Failed(IdempotencyRecord claimed, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset failedAt, TimeSpan? ttl = null) => new()
    {
        Key = claimed.Key,
        Status = IdempotencyRecordStatus.Failed,
        OwnerToken = claimed.OwnerToken,
        Fingerprint = claimed.Fingerprint,
        CreatedAt = claimed.CreatedAt,
        LeaseExpiresAt = failedAt,
        ExpiresAt = failedAt + (ttl ?? DefaultTtl),
        Payload = payload,
        Retryable = retryable,
    };

    private static IdempotencyRecord Renewed(IdempotencyRecord claimed, DateTimeOffset leaseExpiresAt, DateTimeOffset expiresAt) => new()
    {
        Key = claimed.Key,
        Status = IdempotencyRecordStatus.InProgress,
        OwnerToken = claimed.OwnerToken,
        Fingerprint = claimed.Fingerprint,
        CreatedAt = claimed.CreatedAt,
        LeaseExpiresAt = leaseExpiresAt,
        ExpiresAt = expiresAt,
    };
}
