using System.Collections.Concurrent;

namespace Idempotency;

/// <summary>
/// A bounded in-process cache of completed records (never in-progress ones), so a replay can skip the store.
/// When full, it drops an arbitrary entry: cheap, and a miss only costs one store round trip.
/// </summary>
internal sealed class LocalRecordCache(int maxEntries)
{
    private readonly ConcurrentDictionary<string, IdempotencyRecord> _records = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();

    public int Count => _records.Count;

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

        _records.TryRemove(KeyValuePair.Create(storeKey, record));
        return null;
    }

    public void Set(IdempotencyRecord record)
    {
        if (record.Status != IdempotencyRecordStatus.Completed)
        {
            return;
        }

        // Writes are rare (a completion, or a replay the cache missed) and go one at a time, so concurrent writers
        // cannot all see room for one more entry and overshoot the bound. Reads stay lock-free.
        lock (_writeLock)
        {
            while (_records.Count >= maxEntries && !_records.ContainsKey(record.Key))
            {
                using var victims = _records.Keys.GetEnumerator();
                if (!victims.MoveNext() || !_records.TryRemove(victims.Current, out _))
                {
                    break;
                }
            }

            _records[record.Key] = record;
        }
    }

    public void Remove(string storeKey) => _records.TryRemove(storeKey, out _);
}
