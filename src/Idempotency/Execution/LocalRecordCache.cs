using System.Collections.Concurrent;

namespace Idempotency;

/// <summary>
/// A bounded in-process cache of completed records (never in-progress ones), so a replay can skip the store. Bounded
/// twice: by entries, and by the bytes its records hold (payloads up to <see cref="IdempotencyOptions.MaxResultSize"/>
/// each would otherwise let a thousand entries keep gigabytes alive). A record larger than the budget divided by
/// <see cref="LargestEntryShare"/> is not cached at all: one such result would evict most of the cache, and its replay
/// is dominated by its transfer anyway. When full, it drops arbitrary entries: cheap, and a miss
/// only costs one store round trip.
/// </summary>
internal sealed class LocalRecordCache(int maxEntries, long maxBytes)
{
    /// <summary>The largest record cached is this fraction of the byte budget (2 MiB of the default 32 MiB).</summary>
    public const int LargestEntryShare = 16;

    // What an entry costs beyond its payload and strings: the record object, the dictionary node, string headers.
    private const int EntryOverhead = 256;

    private readonly ConcurrentDictionary<string, IdempotencyRecord> _records = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private readonly long _maxEntryBytes = maxBytes / LargestEntryShare;
    private long _bytes;

    public int Count => _records.Count;

    /// <summary>Gets the estimated bytes the cached records hold.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>What one record costs the budget: its payload, its strings (two bytes a character) and a fixed overhead.</summary>
    public static long SizeOf(IdempotencyRecord record) =>
        record.Payload.Length + (2L * (record.Key.Length + record.OwnerToken.Length + record.Fingerprint.Length)) + EntryOverhead;

    public IdempotencyRecord? TryGet(string storeKey, DateTimeOffset now)
    {
        if (!_records.TryGetValue(storeKey, out var record))
        {
            return null;
        }

        if (now < record.ExpiresAt)
        {
            return record;
        }

        if (_records.TryRemove(KeyValuePair.Create(storeKey, record)))
        {
            Interlocked.Add(ref _bytes, -SizeOf(record));
        }

        return null;
    }

    public void Set(IdempotencyRecord record)
    {
        if (record.Status != IdempotencyRecordStatus.Completed)
        {
            return;
        }

        var size = SizeOf(record);

        // Writes are rare (a completion, or a replay the cache missed) and go one at a time, so concurrent writers
        // cannot all see room for one more entry and overshoot the bounds. Reads stay lock-free.
        lock (_writeLock)
        {
            // An older record of the key goes first, so its bytes are not counted twice, nor kept when the new one is too large.
            Remove(record.Key);
            if (size > _maxEntryBytes)
            {
                return;
            }

            while (_records.Count >= maxEntries || Bytes + size > maxBytes)
            {
                using var victims = _records.Keys.GetEnumerator();
                if (!victims.MoveNext())
                {
                    break;
                }

                Remove(victims.Current);
            }

            _records[record.Key] = record;
            Interlocked.Add(ref _bytes, size);
        }
    }

    public void Remove(string storeKey)
    {
        if (_records.TryRemove(storeKey, out var removed))
        {
            Interlocked.Add(ref _bytes, -SizeOf(removed));
        }
    }
}
