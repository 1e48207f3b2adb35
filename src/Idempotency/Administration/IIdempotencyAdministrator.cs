namespace Idempotency;

/// <summary>Operator tools: inspect or clear one record by its raw key, count by status, purge expired records.</summary>
public interface IIdempotencyAdministrator
{
    /// <summary>Reads the record of a raw key.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="key">The raw key, as the caller sent it.</param>
    /// <param name="scope">The scope (tenant, principal), if any.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record, or <see langword="null"/> when absent or expired.</returns>
    ValueTask<IdempotencyRecord?> GetAsync(string operation, string key, string? scope, CancellationToken cancellationToken);

    /// <summary>Deletes the record of a raw key, for example a failed record, so the next call runs again.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="key">The raw key.</param>
    /// <param name="scope">The scope, if any.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when a record was deleted.</returns>
    ValueTask<bool> DeleteAsync(string operation, string key, string? scope, CancellationToken cancellationToken);

    /// <summary>Counts live records by status (the store's <see cref="IIdempotencyStoreStatistics"/>, same shape).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The counts.</returns>
    /// <exception cref="NotSupportedException">The store cannot count (it does not implement <see cref="IIdempotencyStoreStatistics"/>).</exception>
    ValueTask<IReadOnlyDictionary<IdempotencyRecordStatus, long>> CountByStatusAsync(CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="batchSize"/> expired records.</summary>
    /// <param name="batchSize">The most records to delete.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were deleted.</returns>
    ValueTask<int> PurgeExpiredAsync(int batchSize, CancellationToken cancellationToken);

    /// <summary>Lists one page of live records, newest first where the store can (see <see cref="IIdempotencyStoreListing"/>).</summary>
    /// <param name="status">Only records of this status; every status when <see langword="null"/>.</param>
    /// <param name="limit">The most records in the page (1 to 1000).</param>
    /// <param name="continuation"><see langword="null"/> for the first page, else the previous page's <see cref="IdempotencyRecordPage.Continuation"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="NotSupportedException">The store cannot list (it does not implement <see cref="IIdempotencyStoreListing"/>).</exception>
    ValueTask<IdempotencyRecordPage> ListAsync(IdempotencyRecordStatus? status, int limit, string? continuation, CancellationToken cancellationToken);

    /// <summary>
    /// Releases the in-progress record of a store key whose owner is known dead, so the next call runs the operation
    /// at once instead of waiting for the lease to end. Guarded: refuses while the lease is live unless forced, and
    /// releases only the owner it read (a record completed or taken over meanwhile is left alone).
    /// </summary>
    /// <param name="storeKey">The store key (see <see cref="GetStoreKey"/>).</param>
    /// <param name="force">Release even though the lease is live: only when the owner is certainly dead.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was done.</returns>
    ValueTask<IdempotencyUnstickOutcome> UnstickAsync(string storeKey, bool force, CancellationToken cancellationToken);

    /// <summary>Computes the store key of a raw key, to find it in the store by hand.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="key">The raw key.</param>
    /// <param name="scope">The scope, if any.</param>
    /// <returns>The store key.</returns>
    string GetStoreKey(string operation, string key, string? scope);
}
