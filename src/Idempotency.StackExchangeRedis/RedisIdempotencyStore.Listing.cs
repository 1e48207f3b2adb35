using Idempotency.Listing;

namespace Idempotency.StackExchangeRedis;

public sealed partial class RedisIdempotencyStore
{
    /// <summary>The most <c>SCAN</c> batches one page reads, so a page that finds few matching records still returns soon.</summary>
    private const int MaxBatchesPerPage = 8;

    /// <inheritdoc />
    /// <remarks>
    /// <c>SCAN</c> order, not time order: newest first within each page only. A page reads at most 8 batches of about
    /// 250 keys under <see cref="RedisStoreOptions.InstanceName"/> (one <c>SCAN</c> and one <c>GET</c> per key each), so it
    /// may hold fewer records than <paramref name="limit"/>, even none, and still have a continuation; listing everything
    /// costs O(keys under the prefix) on every primary (a cluster is scanned primary by primary). Expired records and
    /// keys this store cannot read are left out after the read. As with <c>SCAN</c>, a record written or deleted while
    /// paging may or may not be listed, and one may be listed twice if the keyspace is resized meanwhile. A continuation
    /// naming a server that is no longer a connected primary is refused (start again).
    /// </remarks>
    public async ValueTask<IdempotencyRecordPage> ListAsync(IdempotencyRecordStatus? status, DateTimeOffset now, int limit, string? continuation, CancellationToken cancellationToken)
    {
        ListingLimit.ThrowIfInvalid(limit);
        var start = continuation is null ? (RedisListContinuation?)null : RedisListContinuation.Decode(continuation);
        try
        {
            var primaries = _scan.Primaries();
            var index = 0;
            var cursor = 0UL;
            string? after = null;
            if (start is { } from)
            {
                index = primaries.FindIndex(p => string.Equals(p.Name, from.Server, StringComparison.Ordinal));
                if (index < 0)
                {
                    throw RedisListContinuation.Invalid(reason: $"The continuation names the Redis server {from.Server}, which is not a connected primary now: start the listing again.");
                }

                cursor = from.Cursor;
                after = from.AfterKey;
            }

            var page = new List<IdempotencyRecord>();
            for (var batch = 0; batch < MaxBatchesPerPage; batch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (next, records, keys) = await _scan.ReadBatchAsync(primaries[index].Server, cursor, after).ConfigureAwait(false);
                for (var i = 0; i < records.Count; i++)
                {
                    var record = records[i];
                    if (now < record.ExpiresAt && (status is null || record.Status == status))
                    {
                        page.Add(record);
                        if (page.Count == limit && i < records.Count - 1)
                        {
                            // Full inside the batch: the next page reads this batch again, after this key.
                            return Page(page, new RedisListContinuation(primaries[index].Name, cursor, keys[i]));
                        }
                    }
                }

                after = null;
                if (next == 0 && ++index == primaries.Count)
                {
                    return Page(page, null);
                }

                cursor = next;
                if (page.Count == limit)
                {
                    break;
                }
            }

            return Page(page, new RedisListContinuation(primaries[index].Name, cursor, null));
        }
        catch (Exception ex) when (RedisFailures.IsBackendFailure(ex))
        {
            throw RedisFailures.Unavailable(ex, "list");
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Scans every key under <see cref="RedisStoreOptions.InstanceName"/> on every primary, in batches of about 250 (one
    /// <c>SCAN</c> and one <c>GET</c> per key each): O(keys under the prefix) round trips of work, for an operator, not
    /// for a hot path. Keys this store cannot read are not counted; a key may be counted twice if the keyspace is
    /// resized during the count (<c>SCAN</c>'s guarantee).
    /// </remarks>
    public async ValueTask<IReadOnlyDictionary<IdempotencyRecordStatus, long>> CountByStatusAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<IdempotencyRecordStatus, long>
        {
            [IdempotencyRecordStatus.InProgress] = 0,
            [IdempotencyRecordStatus.Completed] = 0,
            [IdempotencyRecordStatus.Failed] = 0,
        };
        try
        {
            foreach (var (_, server) in _scan.Primaries())
            {
                var cursor = 0UL;
                do
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var (next, records, _) = await _scan.ReadBatchAsync(server, cursor, null).ConfigureAwait(false);
                    foreach (var record in records)
                    {
                        if (now < record.ExpiresAt)
                        {
                            counts[record.Status]++;
                        }
                    }

                    cursor = next;
                }
                while (cursor != 0);
            }
        }
        catch (Exception ex) when (RedisFailures.IsBackendFailure(ex))
        {
            throw RedisFailures.Unavailable(ex, "count");
        }

        return counts;
    }

    // Newest first within the page: by creation time, then store key (ordinal), both descending.
    private static IdempotencyRecordPage Page(List<IdempotencyRecord> records, RedisListContinuation? continuation)
    {
        records.Sort(static (x, y) => y.CreatedAt.UtcTicks.CompareTo(x.CreatedAt.UtcTicks) is var order and not 0 ? order : string.CompareOrdinal(y.Key, x.Key));
        return new IdempotencyRecordPage(records, continuation?.Encode());
    }
}
