using System.Collections.Concurrent;

namespace Idempotency;

/// <summary>
/// A thread-safe store in process memory: the default store, for single-instance apps and tests.
/// Records are immutable and replaced by compare-and-swap, so no operation takes a lock.
/// </summary>
public sealed class InMemoryIdempotencyStore : IIdempotencyStore, IIdempotencyStoreStatistics, IDisposable
{
    private readonly ConcurrentDictionary<string, IdempotencyRecord> _records = new(StringComparer.Ordinal);
    private readonly InMemoryStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ITimer? _sweepTimer;
    private int _count;

    /// <summary>Initializes a new instance of the <see cref="InMemoryIdempotencyStore"/> class.</summary>
    /// <param name="options">The store options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the expiry sweep; the system clock when <see langword="null"/>.</param>
    public InMemoryIdempotencyStore(InMemoryStoreOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new InMemoryStoreOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxRecords ?? 1, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.SweepBatchSize, 1, nameof(options));
        _timeProvider = timeProvider ?? TimeProvider.System;
        if (_options.SweepInterval > TimeSpan.Zero)
        {
            _sweepTimer = _timeProvider.CreateTimer(static state => ((InMemoryIdempotencyStore)state!).Sweep(), this, _options.SweepInterval, _options.SweepInterval);
        }
    }

    /// <summary>Gets how many records the store holds, expired ones not yet swept included.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken)
    {
        IdempotencyRecord? claimed = null; // built only when the key is taken: a replay allocates nothing here
        while (true)
        {
            if (!_records.TryGetValue(request.Key, out var current))
            {
                if (!TryReserveSlot(request.Key, request.Now))
                {
                    continue; // a racing claim added this key meanwhile: answer with its record
                }

                if (_records.TryAdd(request.Key, claimed ??= NewClaim(request)))
                {
                    return ValueTask.FromResult(IdempotencyClaimResult.Acquired);
                }

                Interlocked.Decrement(ref _count);
                continue;
            }

            if (current.BlocksClaim(request.Now))
            {
                return ValueTask.FromResult(IdempotencyClaimResult.Held(current));
            }

            if (_records.TryUpdate(request.Key, claimed ??= NewClaim(request), current))
            {
                return ValueTask.FromResult(IdempotencyClaimResult.Acquired);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var stored = payload.ToArray();
        return ValueTask.FromResult(ReplaceOwned(key, ownerToken, current => Finished(current, IdempotencyRecordStatus.Completed, stored, retryable: false, now, ttl)));
    }

    /// <inheritdoc />
    public ValueTask<bool> FailAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var stored = payload.ToArray();
        return ValueTask.FromResult(ReplaceOwned(key, ownerToken, current => Finished(current, IdempotencyRecordStatus.Failed, stored, retryable, now, ttl)));
    }

    /// <inheritdoc />
    public ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var leaseExpiresAt = now + lease;
        return ValueTask.FromResult(ReplaceOwned(key, ownerToken, current => new IdempotencyRecord
        {
            Key = key,
            Status = IdempotencyRecordStatus.InProgress,
            OwnerToken = ownerToken,
            Fingerprint = current.Fingerprint,
            CreatedAt = current.CreatedAt,
            LeaseExpiresAt = leaseExpiresAt,
            ExpiresAt = current.ExpiresAt > leaseExpiresAt ? current.ExpiresAt : leaseExpiresAt,
        }));
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken)
    {
        if (_records.TryGetValue(key, out var current) && IsOwnedBy(current, ownerToken) && Remove(key, current))
        {
            return ValueTask.FromResult(true);
        }

        return ValueTask.FromResult(false);
    }

    /// <inheritdoc />
    public ValueTask<IdempotencyRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_records.TryGetValue(key, out var record) && now < record.ExpiresAt ? record : null);

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (_records.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _count);
            return ValueTask.FromResult(true);
        }

        return ValueTask.FromResult(false);
    }

    /// <inheritdoc />
    public ValueTask<int> PurgeAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        ValueTask.FromResult(PurgeExpired(now, batchSize));

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<IdempotencyRecordStatus, long>> CountByStatusAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<IdempotencyRecordStatus, long>
        {
            [IdempotencyRecordStatus.InProgress] = 0,
            [IdempotencyRecordStatus.Completed] = 0,
            [IdempotencyRecordStatus.Failed] = 0,
        };
        foreach (var record in _records.Values)
        {
            if (now < record.ExpiresAt)
            {
                counts[record.Status]++;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<IdempotencyRecordStatus, long>>(counts);
    }

    /// <inheritdoc />
    public void Dispose() => _sweepTimer?.Dispose();

    private static IdempotencyRecord NewClaim(in IdempotencyClaimRequest request) => new()
    {
        Key = request.Key,
        Status = IdempotencyRecordStatus.InProgress,
        OwnerToken = request.OwnerToken,
        Fingerprint = request.Fingerprint,
        CreatedAt = request.Now,
        LeaseExpiresAt = request.Now + request.Lease,
        ExpiresAt = request.Now + request.Ttl,
    };

    private static IdempotencyRecord Finished(IdempotencyRecord current, IdempotencyRecordStatus status, byte[] payload, bool retryable, DateTimeOffset now, TimeSpan ttl) => new()
    {
        Key = current.Key,
        Status = status,
        OwnerToken = current.OwnerToken,
        Fingerprint = current.Fingerprint,
        CreatedAt = current.CreatedAt,
        LeaseExpiresAt = now,
        ExpiresAt = now + ttl,
        Payload = payload,
        Retryable = retryable,
    };

    private static bool IsOwnedBy(IdempotencyRecord record, string ownerToken) =>
        record.Status == IdempotencyRecordStatus.InProgress && string.Equals(record.OwnerToken, ownerToken, StringComparison.Ordinal);

    private bool ReplaceOwned(string key, string ownerToken, Func<IdempotencyRecord, IdempotencyRecord> replace)
    {
        while (_records.TryGetValue(key, out var current) && IsOwnedBy(current, ownerToken))
        {
            if (_records.TryUpdate(key, replace(current), current))
            {
                return true;
            }
        }

        return false;
    }

    private bool Remove(string key, IdempotencyRecord expected)
    {
        if (_records.TryRemove(KeyValuePair.Create(key, expected)))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        return false;
    }

    // Counts the new record before it is added, so concurrent claims cannot overshoot the bound. When the store looks
    // full, a racing claim on the same key may hold the last slot and be about to add it: wait briefly for that key
    // rather than refuse a caller who should get Existing.
    private bool TryReserveSlot(string key, DateTimeOffset now)
    {
        var spin = default(SpinWait);
        while (true)
        {
            var count = Interlocked.Increment(ref _count);
            if (_options.MaxRecords is not { } max || count <= max)
            {
                return true;
            }

            Interlocked.Decrement(ref _count);
            PurgeExpired(now, _options.SweepBatchSize);
            if (_records.ContainsKey(key))
            {
                return false;
            }

            if (spin.Count >= 100)
            {
                throw new IdempotencyStoreUnavailableException($"The in-memory store is full ({max} live records).");
            }

            spin.SpinOnce();
        }
    }

    private int PurgeExpired(DateTimeOffset now, int batchSize)
    {
        var removed = 0;
        foreach (var pair in _records)
        {
            if (removed >= batchSize)
            {
                break;
            }

            if (now >= pair.Value.ExpiresAt && Remove(pair.Key, pair.Value))
            {
                removed++;
            }
        }

        return removed;
    }

    private void Sweep() => PurgeExpired(_timeProvider.GetUtcNow(), _options.SweepBatchSize);
}
