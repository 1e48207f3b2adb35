using Microsoft.Extensions.Options;

namespace Idempotency;

/// <summary>The administration API over the configured store.</summary>
internal sealed class IdempotencyAdministrator(IIdempotencyStore store, IOptions<IdempotencyOptions> options, TimeProvider timeProvider) : IIdempotencyAdministrator
{
    private readonly IdempotencyOptions _options = options.Value;
    private readonly DigestKey? _digestKey = DigestKey.From(options.Value.DigestSecret);

    public ValueTask<IdempotencyRecord?> GetAsync(string operation, string key, string? scope, CancellationToken cancellationToken) =>
        store.GetAsync(GetStoreKey(operation, key, scope), timeProvider.GetUtcNow(), cancellationToken);

    public ValueTask<bool> DeleteAsync(string operation, string key, string? scope, CancellationToken cancellationToken) =>
        store.DeleteAsync(GetStoreKey(operation, key, scope), cancellationToken);

    public ValueTask<IReadOnlyDictionary<IdempotencyRecordStatus, long>> CountByStatusAsync(CancellationToken cancellationToken) =>
        store is IIdempotencyStoreStatistics statistics
            ? statistics.CountByStatusAsync(timeProvider.GetUtcNow(), cancellationToken)
            : throw new NotSupportedException($"The store {store.GetType().Name} cannot count records by status (it does not implement {nameof(IIdempotencyStoreStatistics)}).");

    public ValueTask<int> PurgeExpiredAsync(int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return store.PurgeExpiredAsync(timeProvider.GetUtcNow(), batchSize, cancellationToken);
    }

    public ValueTask<IdempotencyRecordPage> ListAsync(IdempotencyRecordStatus? status, int limit, string? continuation, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        return store is IIdempotencyStoreListing listing
            ? listing.ListAsync(status, timeProvider.GetUtcNow(), limit, continuation, cancellationToken)
            : throw new NotSupportedException($"The store {store.GetType().Name} cannot list records (it does not implement {nameof(IIdempotencyStoreListing)}).");
    }

    public async ValueTask<IdempotencyUnstickOutcome> UnstickAsync(string storeKey, bool force, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeKey);
        var now = timeProvider.GetUtcNow();
        var record = await store.GetAsync(storeKey, now, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return IdempotencyUnstickOutcome.NotFound;
        }

        if (record.Status != IdempotencyRecordStatus.InProgress)
        {
            return IdempotencyUnstickOutcome.NotInProgress;
        }

        if (!force && now < record.LeaseExpiresAt)
        {
            return IdempotencyUnstickOutcome.LeaseLive;
        }

        // Released by the owner token read above: a record its owner completed, or another claim took over, since the
        // read is left alone (the store's fencing does the compare).
        return await store.ReleaseAsync(storeKey, record.OwnerToken, cancellationToken).ConfigureAwait(false)
            ? IdempotencyUnstickOutcome.Released
            : IdempotencyUnstickOutcome.Changed;
    }

    public string GetStoreKey(string operation, string key, string? scope)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!StoreKey.IsValidSegment(operation))
        {
            throw new ArgumentException("Invalid operation name.", nameof(operation));
        }

        return StoreKey.Create(_options.KeyPrefix, _options.ServiceName, operation, scope, key, _digestKey);
    }
}
