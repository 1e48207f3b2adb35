namespace Idempotency;

/// <summary>The arguments of <see cref="IIdempotencyStore.ClaimAsync"/>.</summary>
/// <param name="Key">The store key.</param>
/// <param name="OwnerToken">The new owner token to write when the key is acquired.</param>
/// <param name="Fingerprint">The request fingerprint (empty when none).</param>
/// <param name="Now">The caller's clock.</param>
/// <param name="Lease">How long the new owner holds the key without renewing.</param>
/// <param name="Ttl">How long the record lives.</param>
public readonly record struct IdempotencyClaimRequest(
    string Key,
    string OwnerToken,
    string Fingerprint,
    DateTimeOffset Now,
    TimeSpan Lease,
    TimeSpan Ttl)
{
    /// <summary>
    /// Describes the claim as the record it writes: in progress, with its fingerprint, leased and expiring from
    /// <see cref="Now"/>, owned by <paramref name="ownerToken"/> (the claim's own <see cref="OwnerToken"/> when it acquired
    /// the key; empty for a claim of another caller that is not visible yet, such as one in an uncommitted transaction).
    /// </summary>
    /// <param name="ownerToken">The owner to name.</param>
    /// <returns>The record.</returns>
    public IdempotencyRecord ToInProgressRecord(string ownerToken) => new()
    {
        Key = Key,
        Status = IdempotencyRecordStatus.InProgress,
        OwnerToken = ownerToken,
        Fingerprint = Fingerprint,
        CreatedAt = Now,
        LeaseExpiresAt = Now + Lease,
        ExpiresAt = Now + Ttl,
    };
}
