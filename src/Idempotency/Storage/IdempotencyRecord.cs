namespace Idempotency;

/// <summary>One stored idempotency record, as a store returns it.</summary>
/// <remarks>
/// <see cref="Payload"/> is opaque to stores: the engine writes it in its own versioned format
/// (a result, the marker of a void result, a captured HTTP response or a remembered error).
/// </remarks>
public sealed class IdempotencyRecord
{
    /// <summary>Gets the store key (never the caller's raw key).</summary>
    public required string Key { get; init; }

    /// <summary>Gets the record status.</summary>
    public required IdempotencyRecordStatus Status { get; init; }

    /// <summary>Gets the owner token of the claim that wrote the record: the fencing token.</summary>
    public required string OwnerToken { get; init; }

    /// <summary>Gets the fingerprint of the request material that claimed the key (empty when none).</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets when the key was claimed.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the owner's lease ends (meaningful while <see cref="IdempotencyRecordStatus.InProgress"/>).</summary>
    public required DateTimeOffset LeaseExpiresAt { get; init; }

    /// <summary>Gets when the record expires and the key may be used again.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the engine-written payload: empty while in progress.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Gets a value indicating whether a <see cref="IdempotencyRecordStatus.Failed"/> record may be claimed again.</summary>
    public bool Retryable { get; init; }

    /// <summary>
    /// Tells whether the record holds the key against a claim made at <paramref name="now"/> with
    /// <paramref name="fingerprint"/>, that is, whether the claim must return it rather than take the key.
    /// </summary>
    /// <remarks>
    /// Until it expires, a record holds the key against any claim with another fingerprint, whatever its state: a key
    /// reused with a different fingerprint is never a new execution, so only the same request may take over an
    /// in-progress record whose lease ended or a retryable failure. Fingerprints compare ordinally, and the empty
    /// fingerprint (a request without one) equals only itself. An expired record holds nothing, for any fingerprint.
    /// </remarks>
    /// <param name="now">The caller's clock.</param>
    /// <param name="fingerprint">The claiming request's fingerprint (empty when none).</param>
    /// <returns><see langword="true"/> when the record blocks the claim.</returns>
    public bool BlocksClaim(DateTimeOffset now, string fingerprint) => now < ExpiresAt && (!string.Equals(Fingerprint, fingerprint, StringComparison.Ordinal) || Status switch
    {
        IdempotencyRecordStatus.InProgress => now < LeaseExpiresAt,
        IdempotencyRecordStatus.Failed => !Retryable,
        _ => true,
    });
}
