namespace Idempotency;

internal sealed partial class AcquiredClaim
{
    private ITimer? _renewalTimer;
    private int _renewing;
    private int _leaseLost;
    private long _leaseExpiresTicks;

    /// <summary>Gets whether another owner took the key over while this claim held it.</summary>
    public bool LeaseLost => Volatile.Read(ref _leaseLost) != 0;

    /// <summary>Gets the end of the lease the store last confirmed (at the claim or the latest renewal).</summary>
    private DateTimeOffset LeaseExpiresAt => new(Interlocked.Read(ref _leaseExpiresTicks), TimeSpan.Zero);

    private void MarkLeaseLost() => Volatile.Write(ref _leaseLost, 1);

    // Renews every third of the lease, so two ticks may fail before another owner can take over.
    private void StartRenewal()
    {
        var period = _plan.Policy.Lease / 3;
        _renewalTimer = _context.Clock.CreateTimer(static state => ((AcquiredClaim)state!).OnRenewalTick(), this, period, period);
    }

    private void StopRenewal() => Interlocked.Exchange(ref _renewalTimer, null)?.Dispose();

    private void OnRenewalTick()
    {
        // One renewal at a time: a slow store must not pile up calls.
        if (LeaseLost || Interlocked.Exchange(ref _renewing, 1) != 0)
        {
            return;
        }

        _ = RenewAsync();
    }

    private async Task RenewAsync()
    {
        try
        {
            var now = _context.Clock.GetUtcNow();
            if (_plan.LeaseDeadline is { } deadline && LeaseExpiresAt >= deadline)
            {
                // The lease already reaches the caller's deadline (a function's timeout): renewing cannot extend it.
                StopRenewal();
                return;
            }

            var lease = _plan.LeaseAt(now);
            if (await _context.Store.RenewAsync(StoreKey, OwnerToken, now, lease, _plan.Name, CancellationToken.None).ConfigureAwait(false))
            {
                Interlocked.Exchange(ref _leaseExpiresTicks, (now + lease).UtcTicks);
            }
            else if (!Ended)
            {
                // Refused while the claim is still running: another owner holds the key. Refused after an ending began
                // means the ending itself moved the record on (completed, released); the ending reports what happened.
                MarkLeaseLost();
                StopRenewal();
            }
        }
        catch (Exception ex)
        {
            // Every failure is observed here and retried at the next tick; the lease has room for two missed renewals.
            Log.RenewalFailed(_context.Logger, ex, StoreKey);
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }
}
