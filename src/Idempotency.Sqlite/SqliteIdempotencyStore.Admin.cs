using Idempotency.Listing;

namespace Idempotency.Sqlite;

public sealed partial class SqliteIdempotencyStore
{
    /// <inheritdoc />
    public ValueTask<IdempotencyRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync("get", write: false, (key, now), static (c, sql, s) => SqliteStoreCommands.Get(c, null, sql, s.key, s.now), cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        RunAsync("delete", write: true, key, static (c, sql, k) => SqliteStoreCommands.Delete(c, null, sql, k), cancellationToken);

    /// <inheritdoc />
    /// <remarks>One DELETE of at most <paramref name="batchSize"/> rows, holding the write lock for that batch only.</remarks>
    public ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return RunAsync("purge", write: true, (now, batchSize), static (c, sql, s) => SqliteStoreCommands.Purge(c, null, sql, s.now, s.batchSize), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Rows with a status this version does not know are not counted.</remarks>
    public ValueTask<IReadOnlyDictionary<IdempotencyRecordStatus, long>> CountByStatusAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync("count", write: false, now, static (c, sql, n) => SqliteStoreCommands.CountByStatus(c, null, sql, n), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Newest first across pages (by creation time, then store key). One read per page, taking no lock; no index serves
    /// this order, so each page reads every live row of the table (of the status asked) older than the continuation and
    /// keeps the newest <paramref name="limit"/>: a page costs O(rows), paging through the table O(rows² / limit).
    /// Rows with a status this version does not know are left out.
    /// </remarks>
    public ValueTask<IdempotencyRecordPage> ListAsync(IdempotencyRecordStatus? status, DateTimeOffset now, int limit, string? continuation, CancellationToken cancellationToken)
    {
        ListingLimit.ThrowIfInvalid(limit);
        (DateTimeOffset, string)? after = continuation is null ? null : NewestFirstContinuation.Decode(continuation);
        return RunAsync("list", write: false, (status, now, limit, after), static (c, sql, s) => SqliteStoreCommands.List(c, null, sql, s.status, s.now, s.limit, s.after), cancellationToken);
    }

    /// <summary>Deletes every record expired at <paramref name="now"/>, in batches, until a batch deletes fewer than <paramref name="batchSize"/>.</summary>
    /// <param name="now">The caller's clock.</param>
    /// <param name="batchSize">The most rows one statement deletes.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>How many records were deleted.</returns>
    public async ValueTask<long> PurgeAllExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        long total = 0;
        int deleted;
        do
        {
            deleted = await PurgeExpiredAsync(now, batchSize, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted >= batchSize);

        return total;
    }
}
