namespace Idempotency.Sqlite;

// Every write after the claim is guarded by the owner token and the in-progress status (fencing): a late owner whose
// lease was taken over changes nothing and learns it from the row count. A claim that joined a transaction is served by
// it: its completion commits; its failure and release roll back (freeing the write lock at once); its renewal needs no
// statement (nobody can take over an uncommitted row). A transaction the work ended itself serves nothing more: the
// claim's later calls run as plain statements on whatever the work's own commit or rollback left.
public sealed partial class SqliteIdempotencyStore
{
    /// <inheritdoc />
    public ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        JoinedBy(ownerToken) is not { } transaction ? CompleteOutsideAsync(key, ownerToken, payload, now, ttl, cancellationToken)
            : transaction.LetGoIfEndedByWork() ? CompleteEndedByWorkAsync(transaction, key, ownerToken, payload, now, ttl, cancellationToken)
            : CompleteInTransactionAsync(transaction, key, ownerToken, payload, now, ttl);

    /// <inheritdoc />
    public ValueTask<bool> FailAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        JoinedBy(ownerToken) is { } transaction && !transaction.LetGoIfEndedByWork() ? ValueTask.FromResult(RollBackJoined(transaction)) : RunAsync(
            "fail",
            write: true,
            (key, ownerToken, payload, retryable, now, ttl),
            static (c, sql, s) => SqliteStoreCommands.Fail(c, null, sql, s.key, s.ownerToken, s.payload, s.retryable, s.now, s.ttl),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken) =>
        JoinedBy(ownerToken) is { } transaction && !transaction.LetGoIfEndedByWork() ? ValueTask.FromResult(RollBackJoined(transaction)) : RunAsync("release", write: true, (key, ownerToken), static (c, sql, s) => SqliteStoreCommands.Release(c, null, sql, s.key, s.ownerToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        JoinedBy(ownerToken) is not null ? ValueTask.FromResult(true) : RunAsync(
            "renew",
            write: true,
            (key, ownerToken, leaseExpiresAt: now + lease),
            static (c, sql, s) => SqliteStoreCommands.Renew(c, null, sql, s.key, s.ownerToken, s.leaseExpiresAt),
            cancellationToken);

    private ValueTask<bool> CompleteOutsideAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) => RunAsync(
        "complete",
        write: true,
        (key, ownerToken, payload, now, ttl),
        static (c, sql, s) => SqliteStoreCommands.Complete(c, null, sql, s.key, s.ownerToken, s.payload, s.now, s.ttl),
        cancellationToken);

    /// <summary>
    /// Completes a claim whose transaction the work ended itself: after its commit the in-progress row is durable, so the
    /// completion is written outside the transaction (the work ran once, its writes are kept, and its record says so);
    /// after its rollback no row is left, and the run is reported not committed (nothing of it kept, the key free).
    /// </summary>
    private ValueTask<bool> CompleteEndedByWorkAsync(SqliteIdempotencyTransaction transaction, string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        transaction.Lifecycle.CompleteAsync(() => CompleteOutsideAsync(key, ownerToken, payload, now, ttl, cancellationToken), static () => ValueTask.CompletedTask);
}
