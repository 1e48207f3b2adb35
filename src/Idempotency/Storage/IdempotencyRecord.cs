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

    /// <summary>Tells whether the record is live at <paramref name="now"/>, that is, whether a claim must return it rather than take the key.</summary>
    /// <param name="now">The caller's clock.</param>
    /// <returns><see langword="true"/> when the record blocks a new claim.</returns>
    public bool BlocksClaim(DateTimeOffset now) => now < ExpiresAt && Status switch
    {
        IdempotencyRecordStatus.InProgress => now < LeaseExpiresAt,
        IdempotencyRecordStatus.Failed => !Retryable,
        _ => true,
    };
}
