using Idempotency.Listing;

namespace Idempotency;

public sealed partial class InMemoryIdempotencyStore
{
    // Newest first: by creation time, then store key (ordinal), both descending.
    private static readonly Comparison<IdempotencyRecord> NewestFirst = static (x, y) =>
        y.CreatedAt.UtcTicks.CompareTo(x.CreatedAt.UtcTicks) is var order and not 0 ? order : string.CompareOrdinal(y.Key, x.Key);

    // Whether the record comes after the last one of the previous page, in the listing's order.
    private static bool IsOlder(IdempotencyRecord record, (DateTimeOffset CreatedAt, string Key) after) =>
        record.CreatedAt.UtcTicks < after.CreatedAt.UtcTicks
        || (record.CreatedAt.UtcTicks == after.CreatedAt.UtcTicks && string.CompareOrdinal(record.Key, after.Key) < 0);

    /// <inheritdoc />
    /// <remarks>
    /// Newest first across pages (by creation time, then store key). Each page walks every record held, with no lock,
    /// and sorts those that qualify: a page costs O(records). Records written while paging may or may not appear.
    /// </remarks>
    public ValueTask<IdempotencyRecordPage> ListAsync(IdempotencyRecordStatus? status, DateTimeOffset now, int limit, string? continuation, CancellationToken cancellationToken)
    {
        ListingLimit.ThrowIfInvalid(limit);
        (DateTimeOffset CreatedAt, string Key)? after = continuation is null ? null : NewestFirstContinuation.Decode(continuation);
        var candidates = new List<IdempotencyRecord>();
        foreach (var record in _records.Values)
        {
            if (now < record.ExpiresAt && (status is null || record.Status == status) && (after is null || IsOlder(record, after.Value)))
            {
                candidates.Add(record);
            }
        }

        candidates.Sort(NewestFirst);
        if (candidates.Count <= limit)
        {
            return ValueTask.FromResult(new IdempotencyRecordPage(candidates, null));
        }

        var page = candidates.GetRange(0, limit);
        var last = page[^1];
        return ValueTask.FromResult(new IdempotencyRecordPage(page, NewestFirstContinuation.Encode(last.CreatedAt, last.Key)));
    }
}
