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

    /// <summary>Computes the store key of a raw key, to find it in the store by hand.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="key">The raw key.</param>
    /// <param name="scope">The scope, if any.</param>
    /// <returns>The store key.</returns>
    string GetStoreKey(string operation, string key, string? scope);
}
