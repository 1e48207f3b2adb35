namespace Idempotency;

public sealed partial class IdempotencyClaim
{
    private ITimer? _renewalTimer;
    private int _renewing;
    private int _leaseLost;

    /// <summary>Marks the lease lost; <see langword="true"/> only the first time, so the loss is logged and counted once per claim.</summary>
    internal bool MarkLeaseLost() => Interlocked.Exchange(ref _leaseLost, 1) == 0;

    // Renews every third of the lease, so two ticks may fail before another owner can take over.
    private void StartRenewal()
    {
        var period = _scope.Policy.Lease / 3;
        _renewalTimer = _engine!.TimeProvider.CreateTimer(static state => ((IdempotencyClaim)state!).OnRenewalTick(), this, period, period);
    }

    private void StopRenewal() => _renewalTimer?.Dispose();

    private void OnRenewalTick()
    {
        // One renewal at a time: a slow store must not pile up calls.
        if (Volatile.Read(ref _finished) != 0 || LeaseLost || Interlocked.Exchange(ref _renewing, 1) != 0)
        {
            return;
        }

        _ = RenewAsync();
    }

    private async Task RenewAsync()
    {
        try
        {
            if (!await _engine!.RenewAsync(_scope).ConfigureAwait(false))
            {
                if (MarkLeaseLost())
                {
                    _engine.ReportLeaseLost(_scope);
                }

                StopRenewal();
            }
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }
}
