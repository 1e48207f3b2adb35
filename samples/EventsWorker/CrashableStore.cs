using Idempotency;

namespace EventsWorker;

/// <summary>
/// One consumer process's connection to the shared store. <see cref="Crash"/> cuts it for good, as a killed process
/// would: the crashed consumer can no longer complete, release or renew anything, so its claim stays in progress until
/// its lease ends and a redelivery recovers it.
/// </summary>
internal sealed class CrashableStore(IIdempotencyStore shared) : IIdempotencyStore
{
    private volatile bool _crashed;

    public void Crash() => _crashed = true;

    public ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken) => Live().ClaimAsync(request, cancellationToken);

    public ValueTask<IdempotencyRecord?> GetAsync(string storeKey, DateTimeOffset now, CancellationToken cancellationToken) => Live().GetAsync(storeKey, now, cancellationToken);

    public ValueTask<bool> CompleteAsync(string storeKey, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        Live().CompleteAsync(storeKey, ownerToken, payload, now, ttl, cancellationToken);

    public ValueTask<bool> FailAsync(string storeKey, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        Live().FailAsync(storeKey, ownerToken, payload, retryable, now, ttl, cancellationToken);

    public ValueTask<bool> ReleaseAsync(string storeKey, string ownerToken, CancellationToken cancellationToken) => Live().ReleaseAsync(storeKey, ownerToken, cancellationToken);

    public ValueTask<bool> RenewAsync(string storeKey, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) => Live().RenewAsync(storeKey, ownerToken, now, lease, cancellationToken);

    public ValueTask<bool> DeleteAsync(string storeKey, CancellationToken cancellationToken) => Live().DeleteAsync(storeKey, cancellationToken);

    public ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, int maxRecords, CancellationToken cancellationToken) => Live().PurgeExpiredAsync(now, maxRecords, cancellationToken);

    private IIdempotencyStore Live() => _crashed ? throw new IdempotencyStoreUnavailableException("The consumer process has crashed.") : shared;
}
