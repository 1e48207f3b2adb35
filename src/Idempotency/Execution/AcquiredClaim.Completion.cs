using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Idempotency;

internal sealed partial class AcquiredClaim
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>Gets why the transaction the claim joined did not commit (<see cref="IdempotencyCompletion.NotCommitted"/>), or <see langword="null"/>.</summary>
    public IdempotencyTransactionNotCommittedException? NotCommitted { get; private set; }

    /// <summary>
    /// Writes the completion. The work has already run, so a store failure is not the end: the claim stays alive (the lease
    /// keeps being renewed as soon as the store answers) and the write is retried with backoff until it lands or the
    /// lease ends. An outage shorter than the lease therefore never leads to a second execution.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<IdempotencyCompletion> WriteCompletionAsync(PayloadKind kind, ReadOnlyMemory<byte> payload, PayloadBuffer? pooled, CancellationToken cancellationToken)
    {
        var outcome = IdempotencyOutcomes.ExecutedNotStored;
        try
        {
            var delay = TimeSpan.Zero; // the first retry goes at once: most failures are a single dropped call
            var giveUpAt = DateTimeOffset.MaxValue;
            while (true)
            {
                var now = _context.Clock.GetUtcNow();
                try
                {
                    bool written;
                    var started = Stopwatch.GetTimestamp();
                    var failed = false;
                    try
                    {
                        // The store is called here, not through a helper: one async layer less on every first execution.
                        written = await _context.Store.Store.CompleteAsync(StoreKey, OwnerToken, payload, now, _plan.Ttl, cancellationToken).ConfigureAwait(false);
                    }
                    catch (IdempotencyStorePayloadTooLargeException tooLarge) when (kind != PayloadKind.NotStored)
                    {
                        // The store cannot hold this result (a DynamoDB item stops at 400 KB) and wrote nothing. The work
                        // has run, so the key must neither stay in progress until the lease ends nor run again: store the
                        // small not-stored marker instead, at once (SPEC 3.11).
                        Log.ResultNotStored(_context.Logger, _plan.Name, StoreKey, tooLarge.NotStoredReason);
                        pooled?.Dispose();
                        pooled = null;
                        kind = PayloadKind.NotStored;
                        payload = Encode(PayloadKind.NotStored, Encoding.UTF8.GetBytes(tooLarge.NotStoredReason));
                        continue;
                    }
                    catch (IdempotencyTransactionNotCommittedException notCommitted)
                    {
                        // The claim joined a database transaction that is gone, with the work's writes: nothing was kept,
                        // the key is free, and no repeat of this write could land. Not a lost lease: its own outcome.
                        failed = true;
                        NotCommitted = notCommitted;
                        Log.TransactionNotCommitted(_context.Logger, notCommitted, _plan.Name, StoreKey);
                        outcome = IdempotencyOutcomes.NotCommitted;
                        return IdempotencyCompletion.NotCommitted;
                    }
                    catch (Exception ex) when (StoreCalls.IsStoreFailure(ex, cancellationToken))
                    {
                        failed = true;
                        throw _context.Store.Unavailable(ex, "complete", _plan.Name);
                    }
                    finally
                    {
                        _context.Store.Timed("complete", started, failed);
                    }

                    if (!written && !(delay > TimeSpan.Zero && await StoredEarlierAsync(now, cancellationToken).ConfigureAwait(false)))
                    {
                        MarkLeaseLost();
                        outcome = IdempotencyOutcomes.LeaseLost;
                        return IdempotencyCompletion.LeaseLost;
                    }

                    Cache(kind, payload, now);
                    outcome = kind == PayloadKind.NotStored ? IdempotencyOutcomes.ExecutedNotStored : IdempotencyOutcomes.Executed;
                    return kind == PayloadKind.NotStored ? IdempotencyCompletion.NotStored : IdempotencyCompletion.Stored;
                }
                catch (IdempotencyStoreUnavailableException ex)
                {
                    // Retry for one lease at most, even while renewals succeed (a store that renews but refuses this
                    // write will not change its mind), and never past the confirmed lease: after it another caller
                    // may take the key over, and a later write would only be fenced.
                    giveUpAt = giveUpAt == DateTimeOffset.MaxValue ? now + _plan.Policy.Lease : giveUpAt;
                    if (now + delay >= (giveUpAt < LeaseExpiresAt ? giveUpAt : LeaseExpiresAt))
                    {
                        Log.CompletionFailed(_context.Logger, ex, _plan.Name, StoreKey);
                        return IdempotencyCompletion.NotStored;
                    }

                    if (delay == TimeSpan.Zero)
                    {
                        Log.CompletionRetrying(_context.Logger, ex, _plan.Name, StoreKey);
                        delay = FirstRetryDelay;
                        continue;
                    }

                    await Task.Delay(delay, _context.Clock, cancellationToken).ConfigureAwait(false);
                    delay = delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay;
                }
            }
        }
        finally
        {
            pooled?.Dispose();
            End(outcome);
        }
    }

    // A retried write refused by the guard may mean the earlier attempt landed and only its reply was lost: the record
    // then already holds this owner's completion. Read it back (rare path) rather than report a lease loss that did not happen.
    private async ValueTask<bool> StoredEarlierAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = await _context.Store.GetAsync(StoreKey, now, _plan.Name, cancellationToken).ConfigureAwait(false);
        return record is { Status: not IdempotencyRecordStatus.InProgress } && string.Equals(record.OwnerToken, OwnerToken, StringComparison.Ordinal);
    }

    private void Cache(PayloadKind kind, ReadOnlyMemory<byte> payload, DateTimeOffset now)
    {
        if (_context.Cache is null || !_plan.Policy.UseLocalCache || kind == PayloadKind.Error)
        {
            return;
        }

        _context.Cache.Set(new IdempotencyRecord
        {
            Key = StoreKey,
            Status = IdempotencyRecordStatus.Completed,
            OwnerToken = OwnerToken,
            Fingerprint = _plan.Fingerprint,
            CreatedAt = now,
            LeaseExpiresAt = now,
            ExpiresAt = now + _plan.Ttl,
            Payload = payload.ToArray(), // the written payload may be a pooled buffer
        });
    }
}
