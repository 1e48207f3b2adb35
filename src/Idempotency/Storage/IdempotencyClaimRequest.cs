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
    TimeSpan Ttl);
