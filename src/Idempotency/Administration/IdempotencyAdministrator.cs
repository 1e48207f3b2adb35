using Microsoft.Extensions.Options;

namespace Idempotency;

/// <summary>The administration API over the configured store.</summary>
internal sealed class IdempotencyAdministrator(IIdempotencyStore store, IOptions<IdempotencyOptions> options, TimeProvider timeProvider) : IIdempotencyAdministrator
{
    private readonly IdempotencyOptions _options = options.Value;

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

    public string GetStoreKey(string operation, string key, string? scope)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!StoreKey.IsValidSegment(operation))
        {
            throw new ArgumentException("Invalid operation name.", nameof(operation));
        }

        return StoreKey.Create(_options.KeyPrefix, _options.ServiceName, operation, scope, key);
    }
}
