using System.Collections.Concurrent;

namespace Idempotency;

/// <summary>
/// A store's open transactions by a string (the owner token of the claim that joined, or the store key it claims), for
/// calls that cannot rely on the ambient transaction: renewals run on timer threads, and other flows ask about a key.
/// A lookup while none is registered is one read of a counter.
/// </summary>
internal sealed class TransactionRegistry<T>
    where T : class
{
    private readonly ConcurrentDictionary<string, T> _entries = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Registers <paramref name="transaction"/> under <paramref name="name"/> unless another one holds it.</summary>
    public bool TryAdd(string name, T transaction)
    {
        if (!_entries.TryAdd(name, transaction))
        {
            return false;
        }

        Interlocked.Increment(ref _count);
        return true;
    }

    /// <summary>Removes the entry, if it is still this transaction's.</summary>
    public void Remove(string? name, T transaction)
    {
        if (name is not null && _entries.TryRemove(KeyValuePair.Create(name, transaction)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    public T? Find(string name) => Volatile.Read(ref _count) > 0 && _entries.TryGetValue(name, out var transaction) ? transaction : null;
}
