namespace Idempotency;

/// <summary>
/// The store contract. Every operation is atomic and takes one round trip. Time always comes from the caller
/// (<c>now</c>), so tests drive expiry with a fake clock for every store.
/// </summary>
/// <remarks>
/// A store that cannot reach its backend throws <see cref="IdempotencyStoreUnavailableException"/>; a value it cannot
/// read throws <see cref="IdempotencyRecordCorruptException"/>. A store never reports a failure as "absent". A store
/// whose records have a size limit (DynamoDB: 400 KB an item) throws <see cref="IdempotencyStorePayloadTooLargeException"/>
/// from <see cref="CompleteAsync"/> and <see cref="FailAsync"/> when the payload does not fit, having written nothing.
/// </remarks>
public interface IIdempotencyStore
{
    /// <summary>
    /// Takes the key when no record holds it against this request by writing an <see cref="IdempotencyRecordStatus.InProgress"/>
    /// record with the request's owner token and fingerprint; otherwise returns the record that holds it, in the same
    /// round trip. The rule is <see cref="IdempotencyRecord.BlocksClaim"/>: a key is free when absent or expired, and
    /// may be taken over from an in-progress record whose lease ended, or from a retryable failure, only by a request
    /// with the record's fingerprint. Any other fingerprint gets the record back, so the engine answers key reused.
    /// </summary>
    /// <param name="request">The claim arguments.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Acquired, or the live record.</returns>
    ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken);

    /// <summary>Makes the record completed with <paramref name="payload"/>, only while it is in progress with <paramref name="ownerToken"/>.</summary>
    /// <param name="key">The store key.</param>
    /// <param name="ownerToken">The owner token returned by the claim.</param>
    /// <param name="payload">The engine-written result.</param>
    /// <param name="now">The caller's clock.</param>
    /// <param name="ttl">How long the completed record lives from <paramref name="now"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the lease was lost: nothing changed.</returns>
    /// <exception cref="IdempotencyStorePayloadTooLargeException">The store cannot hold the payload; nothing changed.</exception>
    ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Makes the record failed with <paramref name="payload"/>, only while it is in progress with <paramref name="ownerToken"/>.</summary>
    /// <param name="key">The store key.</param>
    /// <param name="ownerToken">The owner token returned by the claim.</param>
    /// <param name="payload">The engine-written error.</param>
    /// <param name="retryable">Whether a later claim may take the key over before the record expires.</param>
    /// <param name="now">The caller's clock.</param>
    /// <param name="ttl">How long the failed record lives from <paramref name="now"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the lease was lost: nothing changed.</returns>
    /// <exception cref="IdempotencyStorePayloadTooLargeException">The store cannot hold the payload; nothing changed.</exception>
    ValueTask<bool> FailAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Deletes the record, only while it is in progress with <paramref name="ownerToken"/>, so a retry runs again.</summary>
    /// <param name="key">The store key.</param>
    /// <param name="ownerToken">The owner token returned by the claim.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the lease was lost: nothing changed.</returns>
    ValueTask<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the lease to <paramref name="now"/> + <paramref name="lease"/>, only while the record is in progress with
    /// <paramref name="ownerToken"/>. The record's expiry is moved out too when the lease would outlive it.
    /// </summary>
    /// <param name="key">The store key.</param>
    /// <param name="ownerToken">The owner token returned by the claim.</param>
    /// <param name="now">The caller's clock.</param>
    /// <param name="lease">The new lease length.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the lease was lost: nothing changed.</returns>
    ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Reads one record; an expired record reads as absent.</summary>
    /// <param name="key">The store key.</param>
    /// <param name="now">The caller's clock.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    ValueTask<IdempotencyRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Removes one record whatever its state (administration).</summary>
    /// <param name="key">The store key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when a record was removed.</returns>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="batchSize"/> records expired at <paramref name="now"/>. Stores with native expiry may return 0.</summary>
    /// <param name="now">The caller's clock.</param>
    /// <param name="batchSize">The most records to delete in this call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many records were deleted.</returns>
    ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken);
}
