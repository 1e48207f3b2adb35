namespace Idempotency.Soak;

/// <summary>
/// The worker's real store, with every acquired claim and every lease renewal written to the side-effect log, so the
/// judge can tell a duplicate after a lease that lapsed (its owner starved past it, another worker took over: the
/// documented cost of leases) from a defect. Stores take time from the caller (<c>now</c>): a claim's lease ends at
/// its <c>now</c> + lease, a renewal moves it to the renewal's <c>now</c> + lease, and another request takes the key
/// over only when its own <c>now</c> is at or past that end, all on this machine's one clock.
/// </summary>
internal sealed class LeaseWatchingStore(IIdempotencyStore inner, SideEffectLog log) : IIdempotencyStore
{
    private static readonly AsyncLocal<SoakCall?> CurrentCall = new();

    /// <summary>Gets the call the current flow is making (set by the worker around each library call).</summary>
    public static SoakCall? Current => CurrentCall.Value;

    /// <summary>Marks the current flow as a call for <paramref name="key"/>: a claim acquired inside it is that call's.</summary>
    public static SoakCall Begin(string key) => CurrentCall.Value = new SoakCall(key);

    public async ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken)
    {
        var result = await inner.ClaimAsync(request, cancellationToken);
        if (result.IsAcquired)
        {
            var call = CurrentCall.Value;
            call?.Owner = request.OwnerToken;
            log.Claim(call?.Key ?? "?", request.OwnerToken, request.Now, request.Now + request.Lease);
        }

        return result;
    }

    public async ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        // Logged before the call and after: the judge counts a renewal as extending the lease when the store accepted
        // it, when it failed (a timeout may follow the write), or when a kill may have lost its answer.
        var end = now + lease;
        log.Renewal(ownerToken, end, "started");
        try
        {
            var renewed = await inner.RenewAsync(key, ownerToken, now, lease, cancellationToken);
            log.Renewal(ownerToken, end, renewed ? "ok" : "refused");
            return renewed;
        }
        catch
        {
            log.Renewal(ownerToken, end, "failed");
            throw;
        }
    }

    public ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        inner.CompleteAsync(key, ownerToken, payload, now, ttl, cancellationToken);

    public ValueTask<bool> FailAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        inner.FailAsync(key, ownerToken, payload, retryable, now, ttl, cancellationToken);

    public ValueTask<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken) =>
        inner.ReleaseAsync(key, ownerToken, cancellationToken);

    public ValueTask<IdempotencyRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.GetAsync(key, now, cancellationToken);

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        inner.PurgeExpiredAsync(now, batchSize, cancellationToken);
}

/// <summary>One library call of a worker: its key, and the owner token of the claim it acquired, if any.</summary>
internal sealed class SoakCall(string key)
{
    public string Key { get; } = key;

    public string? Owner { get; set; }
}
