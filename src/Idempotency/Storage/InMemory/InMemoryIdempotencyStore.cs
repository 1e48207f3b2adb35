using System.Collections.Concurrent;

namespace Idempotency;

/// <summary>
/// A thread-safe store in process memory: the default store, for single-instance apps and tests.
/// Records are immutable and replaced by compare-and-swap, so no operation takes a lock.
/// </summary>
/// <remarks>
/// The store is bounded by <see cref="InMemoryStoreOptions.MaxRecords"/> and <see cref="InMemoryStoreOptions.MaxBytes"/>.
/// A claim for a new key that would pass either bound first evicts expired records (a bounded sweep, at most once a
/// second), then, if the store is still full of live records, throws <see cref="IdempotencyStoreFullException"/>: a live
/// record is never dropped. Replays, takeovers of keys the store holds and completions are always accepted.
/// </remarks>
public sealed partial class InMemoryIdempotencyStore : IIdempotencyStore, IIdempotencyStoreStatistics, IIdempotencyStoreListing, IDisposable
{
    /// <summary>
    /// The fixed part of a record's estimated size, in bytes. A record is estimated at this overhead, plus two bytes per
    /// character of its key, owner token and fingerprint, plus its payload's length.
    /// </summary>
    /// <remarks>
    /// The overhead covers, on a 64-bit runtime: the record object (112 bytes), the dictionary node (48) and bucket
    /// (16), the headers of the three strings (72) and of the payload array (24). It leaves out what the garbage
    /// collector needs beyond live objects (replaced records not yet collected, heap headroom), so a process holds
    /// more than the estimate.
    /// </remarks>
    public const int RecordOverheadBytes = 272;

    // The least time between two sweeps started by a full store, so a store full of live records does not rescan
    // itself for every refused claim.
    private static readonly TimeSpan FullSweepSpacing = TimeSpan.FromSeconds(1);

    private const long OneRecord = 1;
    private const long OnePending = 1L << 32;
    private const long CountMask = OnePending - 1;

    private readonly ConcurrentDictionary<string, IdempotencyRecord> _records = new(StringComparer.Ordinal);
    private readonly InMemoryStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ITimer? _sweepTimer;
    private readonly long _fullSweepSpacing;

    // The record count (low 32 bits) and the claims between reserving their slot and adding their record (high 32
    // bits), in one word so that a reservation is one atomic operation. A slot is reserved before the record is added,
    // so concurrent claims cannot overshoot the bound.
    private long _slots;

    // The estimated bytes of the records held (see RecordOverheadBytes), reserved like the slots.
    private long _bytes;

    // A lower bound of the expiry (UTC ticks) of every record held: nothing has expired before it, so a full store
    // needs no sweep until then. Every write lowers it to the new record's expiry; a sweep that scanned every record
    // raises it to the earliest expiry it saw (see Sweep).
    private long _earliestExpiry = long.MaxValue;
    private long _nextFullSweep;
    private int _sweeping;

    /// <summary>Initializes a new instance of the <see cref="InMemoryIdempotencyStore"/> class.</summary>
    /// <param name="options">The store options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the expiry sweep; the system clock when <see langword="null"/>.</param>
    public InMemoryIdempotencyStore(InMemoryStoreOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new InMemoryStoreOptions();
        OptionErrors.ThrowIfAny(_options, InMemoryStoreOptions.Errors);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _fullSweepSpacing = (long)(FullSweepSpacing.TotalSeconds * _timeProvider.TimestampFrequency);
        _nextFullSweep = _timeProvider.GetTimestamp();
        if (_options.SweepInterval > TimeSpan.Zero)
        {
            _sweepTimer = _timeProvider.CreateTimer(static state => ((InMemoryIdempotencyStore)state!).Sweep(), this, _options.SweepInterval, _options.SweepInterval);
        }
    }

    /// <summary>Gets how many records the store holds, expired ones not yet swept included.</summary>
    public int Count => (int)(Volatile.Read(ref _slots) & CountMask);

    /// <summary>Gets the estimated bytes of the records the store holds (see <see cref="RecordOverheadBytes"/>), expired ones not yet swept included.</summary>
    public long EstimatedBytes => Volatile.Read(ref _bytes);

    /// <inheritdoc />
    public ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken)
    {
        IdempotencyRecord? claimed = null; // built only when the key is taken: a replay allocates nothing here
        while (true)
        {
            if (!_records.TryGetValue(request.Key, out var current))
            {
                var size = EstimateClaim(request);
                if (!TryReserve(request.Key, size, request.Now))
                {
                    continue; // a racing claim added this key meanwhile: answer with its record
                }

                if (_records.TryAdd(request.Key, claimed ??= NewClaim(request)))
                {
                    Interlocked.Add(ref _slots, -OnePending);
                    LowerEarliestExpiry(claimed.ExpiresAt);
                    return ValueTask.FromResult(IdempotencyClaimResult.Acquired);
                }

                Unreserve(size);
                continue;
            }

            if (current.BlocksClaim(request.Now, request.Fingerprint))
            {
                return ValueTask.FromResult(IdempotencyClaimResult.Held(current));
            }

            // Taking over a key the store holds adds no record: it is accepted even when the store is full.
            if (_records.TryUpdate(request.Key, claimed ??= NewClaim(request), current))
            {
                Replaced(current, claimed);
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
        if (_records.TryRemove(key, out var removed))
        {
            Removed(removed);
            return ValueTask.FromResult(true);
        }

        return ValueTask.FromResult(false);
    }

    /// <inheritdoc />
    public ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
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

    private static IdempotencyRecord NewClaim(in IdempotencyClaimRequest request) => request.ToInProgressRecord(request.OwnerToken);

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

    // The estimated size of a record (see RecordOverheadBytes).
    private static long Estimate(IdempotencyRecord record) =>
        RecordOverheadBytes + (2L * (record.Key.Length + record.OwnerToken.Length + record.Fingerprint.Length)) + record.Payload.Length;

    private static long EstimateClaim(in IdempotencyClaimRequest request) =>
        RecordOverheadBytes + (2L * (request.Key.Length + request.OwnerToken.Length + request.Fingerprint.Length));

    // Completions, failures and renewals replace an admitted record: they are never refused for want of room, because
    // the work has already run (the byte bound governs admission of new keys only).
    private bool ReplaceOwned(string key, string ownerToken, Func<IdempotencyRecord, IdempotencyRecord> replace)
    {
        while (_records.TryGetValue(key, out var current) && IsOwnedBy(current, ownerToken))
        {
            var replacement = replace(current);
            if (_records.TryUpdate(key, replacement, current))
            {
                Replaced(current, replacement);
                return true;
            }
        }

        return false;
    }

    private void Replaced(IdempotencyRecord previous, IdempotencyRecord replacement)
    {
        var delta = Estimate(replacement) - Estimate(previous);
        if (delta != 0)
        {
            Interlocked.Add(ref _bytes, delta);
        }

        LowerEarliestExpiry(replacement.ExpiresAt);
    }

    private bool Remove(string key, IdempotencyRecord expected)
    {
        if (_records.TryRemove(KeyValuePair.Create(key, expected)))
        {
            Removed(expected);
            return true;
        }

        return false;
    }

    private void Removed(IdempotencyRecord record)
    {
        Interlocked.Add(ref _bytes, -Estimate(record));
        Interlocked.Add(ref _slots, -OneRecord);
    }

    private void Unreserve(long size)
    {
        Interlocked.Add(ref _bytes, -size);
        Interlocked.Add(ref _slots, -(OneRecord + OnePending));
    }

    // Called after a record is written. The full fence orders the write before the read of the bound, against a sweep
    // that resets the bound before it reads the records: either the sweep sees this record, or this lowers its result.
    private void LowerEarliestExpiry(DateTimeOffset expiresAt)
    {
        Interlocked.MemoryBarrier();
        LowerEarliestExpiry(expiresAt.UtcTicks);
    }

    private void LowerEarliestExpiry(long ticks)
    {
        var current = Volatile.Read(ref _earliestExpiry);
        while (ticks < current)
        {
            var seen = Interlocked.CompareExchange(ref _earliestExpiry, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    // Reserves a slot and the bytes of a new record before it is added. When the store is full it first evicts expired
    // records, if some may have expired. Then, while other claims are between reserving and adding, it waits briefly
    // for one of them to add this key, rather than refuse a caller who should get Existing. Only then is the claim
    // refused: no live record is ever dropped to make room.
    private bool TryReserve(string key, long size, DateTimeOffset now)
    {
        var spin = default(SpinWait);
        var swept = false;
        while (true)
        {
            var limit = TryReserve(size);
            if (limit is null)
            {
                return true;
            }

            if (!swept)
            {
                swept = true;
                if (SweepForRoom(now) > 0)
                {
                    continue;
                }
            }

            // Read before the key: with no claim pending, any claim that reserved before this one has added its record.
            var pending = Volatile.Read(ref _slots) >>> 32;
            if (_records.ContainsKey(key))
            {
                return false;
            }

            if (pending == 0 || spin.Count >= 100)
            {
                throw new IdempotencyStoreFullException(limit.Value, _options.MaxRecords, _options.MaxBytes);
            }

            spin.SpinOnce();
        }
    }

    // Compare-and-swap loops rather than add-then-undo, so the count and the bytes never show more than the bounds.
    private IdempotencyStoreLimit? TryReserve(long size)
    {
        var slots = Volatile.Read(ref _slots);
        while (true)
        {
            if ((slots & CountMask) >= _options.MaxRecords)
            {
                return IdempotencyStoreLimit.Records;
            }

            var seen = Interlocked.CompareExchange(ref _slots, slots + OneRecord + OnePending, slots);
            if (seen == slots)
            {
                break;
            }

            slots = seen;
        }

        var bytes = Volatile.Read(ref _bytes);
        while (true)
        {
            if (bytes > _options.MaxBytes - size)
            {
                Interlocked.Add(ref _slots, -(OneRecord + OnePending));
                return IdempotencyStoreLimit.Bytes;
            }

            var seen = Interlocked.CompareExchange(ref _bytes, bytes + size, bytes);
            if (seen == bytes)
            {
                return null;
            }

            bytes = seen;
        }
    }

    // A full store sweeps only when a record may have expired (now has reached the earliest expiry) and at most once a
    // FullSweepSpacing, so a store full of live records refuses claims without scanning itself each time.
    private int SweepForRoom(DateTimeOffset now)
    {
        if (now.UtcTicks < Volatile.Read(ref _earliestExpiry))
        {
            return 0;
        }

        var timestamp = _timeProvider.GetTimestamp();
        var next = Volatile.Read(ref _nextFullSweep);
        if (timestamp < next || Interlocked.CompareExchange(ref _nextFullSweep, timestamp + _fullSweepSpacing, next) != next)
        {
            return 0;
        }

        return Sweep(now);
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

    // Removes up to SweepBatchSize expired records, one sweep at a time (the timer's or a full store's). A sweep that
    // scans every record also recomputes the earliest expiry: it resets the bound first, so a write during the scan
    // lowers it again whether or not the scan sees that write.
    private int Sweep(DateTimeOffset now)
    {
        if (Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0)
        {
            return 0;
        }

        try
        {
            Interlocked.Exchange(ref _earliestExpiry, long.MaxValue);
            var earliest = long.MaxValue;
            var removed = 0;
            foreach (var pair in _records)
            {
                var record = pair.Value;
                if (now < record.ExpiresAt)
                {
                    earliest = Math.Min(earliest, record.ExpiresAt.UtcTicks);
                }
                else if (removed >= _options.SweepBatchSize)
                {
                    earliest = long.MinValue; // expired records are left: the next full claim may sweep again
                    break;
                }
                else if (Remove(pair.Key, record))
                {
                    removed++;
                }
            }

            LowerEarliestExpiry(earliest);
            return removed;
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void Sweep() => Sweep(_timeProvider.GetUtcNow());
}
