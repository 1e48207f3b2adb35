using System.Runtime.CompilerServices;

namespace Idempotency.Npgsql;

// Every write after the claim is guarded by the owner token and the in-progress status (fencing): a late owner whose
// lease was taken over changes nothing and learns it from the row count. A claim that joined a transaction is served by
// it (.Transaction): its completion commits; its release and renewal need no statement (the rollback releases, and the
// uncommitted row is the lease). A transaction the work ended itself serves nothing more: the claim's later calls run
// as plain statements on whatever the work's own commit or rollback left.
public sealed partial class NpgsqlIdempotencyStore
{
    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        JoinedBy(ownerToken) is not { } transaction ? await CompleteOutsideAsync(key, ownerToken, payload, now, ttl, cancellationToken).ConfigureAwait(false)
            : transaction.EndedByWork ? await CompleteEndedByWorkAsync(transaction, key, ownerToken, payload, now, ttl, cancellationToken).ConfigureAwait(false)
            : await CompleteInTransactionAsync(transaction, key, ownerToken, payload, now, ttl).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> FailAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        JoinedBy(ownerToken) is { EndedByWork: false } || await RunAsync(
            "fail",
            _sql.Fail,
            (key, ownerToken, payload, retryable, now, ttl),
            static (parameters, s) =>
            {
                parameters.Add(Text(s.key));
                parameters.Add(Text(s.ownerToken));
                parameters.Add(Bytes(s.payload));
                parameters.Add(Boolean(s.retryable));
                parameters.Add(Instant(s.now));
                parameters.Add(Instant(s.now + s.ttl));
            },
            NonQueryAsync,
            cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken) =>
        JoinedBy(ownerToken) is { EndedByWork: false } || await RunAsync(
            "release",
            _sql.Release,
            (key, ownerToken),
            static (parameters, s) =>
            {
                parameters.Add(Text(s.key));
                parameters.Add(Text(s.ownerToken));
            },
            NonQueryAsync,
            cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        JoinedBy(ownerToken) is not null || await RunAsync(
            "renew",
            _sql.Renew,
            (key, ownerToken, leaseExpiresAt: now + lease),
            static (parameters, s) =>
            {
                parameters.Add(Text(s.key));
                parameters.Add(Text(s.ownerToken));
                parameters.Add(Instant(s.leaseExpiresAt));
            },
            NonQueryAsync,
            cancellationToken).ConfigureAwait(false) == 1;

    private async ValueTask<bool> CompleteOutsideAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        await RunAsync(
            "complete",
            _sql.Complete,
            (key, ownerToken, payload, now, ttl),
            static (parameters, s) =>
            {
                parameters.Add(Text(s.key));
                parameters.Add(Text(s.ownerToken));
                parameters.Add(Bytes(s.payload));
                parameters.Add(Instant(s.now));
                parameters.Add(Instant(s.now + s.ttl));
            },
            NonQueryAsync,
            cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>
    /// Completes a claim whose transaction the work ended itself: after its commit the in-progress row is durable, so the
    /// completion is written outside the transaction (the work ran once, its writes are kept, and its record says so);
    /// after its rollback no row is left, and the run is reported not committed (nothing of it kept, the key free).
    /// </summary>
    private ValueTask<bool> CompleteEndedByWorkAsync(NpgsqlIdempotencyTransaction transaction, string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        transaction.Lifecycle.CompleteAsync(() => CompleteOutsideAsync(key, ownerToken, payload, now, ttl, cancellationToken), static () => ValueTask.CompletedTask);
}
