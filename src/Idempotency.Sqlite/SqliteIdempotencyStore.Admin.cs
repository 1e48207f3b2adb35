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
