namespace Idempotency.Testing;

/// <summary>
/// A store that forwards every call to an inner store, the base of the test fakes (<see cref="CountingIdempotencyStore"/>,
/// <see cref="FaultInjectingIdempotencyStore"/>) and of your own decorators. Every call goes through
/// <see cref="InvokeAsync{T}"/>, one hook for behaviour common to all operations; override an operation's method to see
/// its arguments.
/// Decorators stack: <c>new CountingIdempotencyStore(new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore()))</c>.
/// </summary>
public abstract class DelegatingIdempotencyStore : IIdempotencyStore, IIdempotencyStoreStatistics, IIdempotencyStoreListing
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingIdempotencyStore"/> class.</summary>
    /// <param name="innerStore">The store that does the work.</param>
    protected DelegatingIdempotencyStore(IIdempotencyStore innerStore)
    {
        ArgumentNullException.ThrowIfNull(innerStore);
        InnerStore = innerStore;
    }

    /// <summary>Gets the store that does the work.</summary>
    public IIdempotencyStore InnerStore { get; }

    /// <inheritdoc />
    public virtual ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken) =>
        InvokeAsync(IdempotencyStoreOperation.Claim, () => InnerStore.ClaimAsync(request, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        InvokeAsync(IdempotencyStoreOperation.Complete, () => InnerStore.CompleteAsync(key, ownerToken, payload, now, ttl, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> FailAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        InvokeAsync(IdempotencyStoreOperation.Fail, () => InnerStore.FailAsync(key, ownerToken, payload, retryable, now, ttl, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken) =>
        InvokeAsync(IdempotencyStoreOperation.Release, () => InnerStore.ReleaseAsync(key, ownerToken, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        InvokeAsync(IdempotencyStoreOperation.Renew, () => InnerStore.RenewAsync(key, ownerToken, now, lease, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IdempotencyRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        InvokeAsync(IdempotencyStoreOperation.Get, () => InnerStore.GetAsync(key, now, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        InvokeAsync(IdempotencyStoreOperation.Delete, () => InnerStore.DeleteAsync(key, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        InvokeAsync(IdempotencyStoreOperation.Purge, () => InnerStore.PurgeExpiredAsync(now, batchSize, cancellationToken), cancellationToken);

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The inner store cannot count its records.</exception>
    public virtual ValueTask<IReadOnlyDictionary<IdempotencyRecordStatus, long>> CountByStatusAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        InnerStore is IIdempotencyStoreStatistics statistics
            ? InvokeAsync(IdempotencyStoreOperation.CountByStatus, () => statistics.CountByStatusAsync(now, cancellationToken), cancellationToken)
            : throw new NotSupportedException($"{InnerStore.GetType().Name} cannot count its records by status.");

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The inner store cannot list its records.</exception>
    public virtual ValueTask<IdempotencyRecordPage> ListAsync(IdempotencyRecordStatus? status, DateTimeOffset now, int limit, string? continuation, CancellationToken cancellationToken) =>
        InnerStore is IIdempotencyStoreListing listing
            ? InvokeAsync(IdempotencyStoreOperation.List, () => listing.ListAsync(status, now, limit, continuation, cancellationToken), cancellationToken)
            : throw new NotSupportedException($"{InnerStore.GetType().Name} cannot list its records.");

    /// <summary>Runs one call of the inner store; override it to observe or disturb calls.</summary>
    /// <typeparam name="T">The result type of the call.</typeparam>
    /// <param name="operation">Which store operation is called.</param>
    /// <param name="call">Calls the inner store.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The result of the call.</returns>
    protected virtual ValueTask<T> InvokeAsync<T>(IdempotencyStoreOperation operation, Func<ValueTask<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call();
    }
}
