using System.Runtime.CompilerServices;

namespace Idempotency.Npgsql;

// Every write after the claim is guarded by the owner token and the in-progress status (fencing): a late owner whose
// lease was taken over changes nothing and learns it from the row count.
public sealed partial class NpgsqlIdempotencyStore
{
    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
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

    /// <inheritdoc />
    public async ValueTask<bool> FailAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        await RunAsync(
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
        await RunAsync(
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
        await RunAsync(
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
}
