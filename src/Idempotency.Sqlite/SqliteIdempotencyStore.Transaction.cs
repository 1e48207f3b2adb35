using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite;

// Transactional idempotency (docs/transactional.md): the claim, the caller's writes and the completion in one write
// transaction on one connection. The engine is not told: the store recognises the claim by the ambient transaction, and
// the claim's later calls by its owner token, and runs them in the transaction instead of on a pooled connection.
// SQLite has one writer per file, so the transaction holds the write lock — this process's write gate and SQLite's —
// from its claim until it commits or rolls back.
public sealed partial class SqliteIdempotencyStore : IIdempotencyTransactionFactory
{
    // Joined transactions by owner token: renewals run on timer threads, where the ambient transaction may not flow.
    private readonly TransactionRegistry<SqliteIdempotencyTransaction> _joined = new();

    // Keys claimed in transactions of this process that have not committed (their rows are invisible to other
    // connections): a duplicate here is answered in progress at once instead of waiting for the write lock.
    private readonly TransactionRegistry<SqliteIdempotencyTransaction> _uncommitted = new();
    private int _writingTransactions;

    /// <summary>
    /// Makes a transaction the ambient one of the calling async flow, on a connection of the store's own: the next claim
    /// of this store in that flow joins it (see <see cref="SqliteIdempotencyTransaction"/>). The write lock is taken by
    /// that claim, not here, so a replay never waits for it.
    /// </summary>
    /// <param name="cancellationToken">Cancels making the table ready.</param>
    /// <returns>The transaction; dispose it (which rolls back unless it committed).</returns>
    /// <exception cref="IdempotencyStoreUnavailableException">
    /// The database could not be opened; or this is the work of a transaction of this store that holds the write lock,
    /// which a transaction begun inside it would wait for until the busy timeout.
    /// </exception>
    public ValueTask<SqliteIdempotencyTransaction> BeginTransactionAsync(CancellationToken cancellationToken) => Begin(null, cancellationToken);

    /// <summary>
    /// Makes a transaction on a connection of the caller's (an Entity Framework Core context's, say) the ambient one of the
    /// calling async flow, like <see cref="BeginTransactionAsync(CancellationToken)"/>. The connection must be open, to
    /// this store's database file, with no transaction of its own; disposing the transaction leaves it open. Its claim
    /// takes the write lock through this store like any other (the driver waits for another process's lock up to the
    /// connection's default timeout).
    /// </summary>
    /// <param name="connection">The open connection to run the transaction on.</param>
    /// <param name="cancellationToken">Cancels making the table ready.</param>
    /// <returns>The transaction; dispose it (which rolls back unless it committed).</returns>
    /// <exception cref="IdempotencyStoreUnavailableException">
    /// The table could not be made ready; or this is the work of a transaction of this store that holds the write lock.
    /// </exception>
    public ValueTask<SqliteIdempotencyTransaction> BeginTransactionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Begin(connection, cancellationToken);
    }

    /// <inheritdoc />
    ValueTask<IIdempotencyTransaction> IIdempotencyTransactionFactory.BeginAsync(CancellationToken cancellationToken) =>
        AsInterfaceAsync(BeginTransactionAsync(cancellationToken));

    /// <inheritdoc />
    ValueTask<IIdempotencyTransaction> IIdempotencyTransactionFactory.BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
        AsInterfaceAsync(BeginTransactionAsync(
            connection as SqliteConnection ?? throw new ArgumentException($"The SQLite store begins transactions on a SqliteConnection, not a {connection?.GetType().Name ?? "null"}.", nameof(connection)),
            cancellationToken));

    /// <summary>Makes the table ready (once), for a transaction on a connection of the caller's.</summary>
    internal async ValueTask EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (!_schemaReady)
        {
            await EnsureSchemaAsync("begin transaction", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A connection for a transaction, once the table is ready.</summary>
    internal async ValueTask<SqliteConnection> RentAsync(CancellationToken cancellationToken)
    {
        if (!_schemaReady)
        {
            await EnsureSchemaAsync("begin transaction", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return _pool.Rent();
        }
        catch (Exception ex) when (SqliteStoreErrors.IsBackendFailure(ex, cancellationToken))
        {
            throw SqliteStoreErrors.Unavailable("begin transaction", ex, _sql.Table);
        }
    }

    internal void Return(SqliteConnection connection, bool broken) => _pool.Return(connection, broken);

    internal void Leave(SqliteIdempotencyTransaction transaction) => _joined.Remove(transaction.Lifecycle.OwnerToken, transaction);

    /// <summary>
    /// Takes the write lock for a transaction: this process's write gate (waiting at most the busy timeout), then
    /// SQLite's (<c>BEGIN IMMEDIATE</c>, whose busy handler waits up to the busy timeout for another process).
    /// </summary>
    internal async ValueTask<SqliteTransaction> BeginWriteAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await EnterWriteAsync("begin transaction", cancellationToken).ConfigureAwait(false);
        return BeginWriteEntered(connection);
    }

    /// <summary>The same, blocking: for a run without a claim whose work asks for the transaction.</summary>
    internal SqliteTransaction BeginWrite(SqliteConnection connection)
    {
        if (!_writeGate.Wait(_busyTimeout))
        {
            throw SqliteStoreErrors.LockedBeyondTimeout("begin transaction", _sql.Table);
        }

        return BeginWriteEntered(connection);
    }

    /// <summary>A transaction stopped writing (committed or rolled back): its key is no longer claimed, and the next writer goes.</summary>
    internal void EndWrite(SqliteIdempotencyTransaction transaction)
    {
        _uncommitted.Remove(transaction.ClaimedKey, transaction);
        transaction.ClaimedKey = null;
        Interlocked.Decrement(ref _writingTransactions);
        _writeGate.Release();
    }

    private static async ValueTask<IIdempotencyTransaction> AsInterfaceAsync(ValueTask<SqliteIdempotencyTransaction> begin) => await begin.ConfigureAwait(false);

    // Not async: the ambient transaction must be set in the caller's flow.
    private ValueTask<SqliteIdempotencyTransaction> Begin(SqliteConnection? connection, CancellationToken cancellationToken) =>
        SqliteIdempotencyTransaction.Current is { IsWriting: true } own && ReferenceEquals(own.Store, this)
            ? ValueTask.FromException<SqliteIdempotencyTransaction>(SqliteStoreErrors.WriteInsideTransaction("begin a transaction", _sql.Table))
            : SqliteIdempotencyTransaction.Begin(this, connection, cancellationToken);

    private SqliteTransaction BeginWriteEntered(SqliteConnection connection)
    {
        try
        {
            var transaction = connection.BeginTransaction(deferred: false);
            Interlocked.Increment(ref _writingTransactions);
            return transaction;
        }
        catch (Exception ex)
        {
            _writeGate.Release();
            if (SqliteStoreErrors.IsBackendFailure(ex, CancellationToken.None))
            {
                throw SqliteStoreErrors.Unavailable("begin transaction", ex, _sql.Table);
            }

            throw;
        }
    }

    /// <summary>
    /// Waits for this process's write gate. A write from inside the work of a transaction of this store that holds the
    /// gate would wait for itself: it fails at once instead.
    /// </summary>
    private async ValueTask EnterWriteAsync(string operation, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _writingTransactions) > 0 && SqliteIdempotencyTransaction.Current is { IsWriting: true } own && ReferenceEquals(own.Store, this))
        {
            throw SqliteStoreErrors.WriteInsideTransaction(operation, _sql.Table);
        }

        if (!await _writeGate.WaitAsync(_busyTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw SqliteStoreErrors.LockedBeyondTimeout(operation, _sql.Table);
        }
    }

    /// <summary>The ambient transaction a claim of this store joins, or <see langword="null"/>.</summary>
    private SqliteIdempotencyTransaction? ClaimTransaction() =>
        SqliteIdempotencyTransaction.Current is { State: IdempotencyTransactionState.Open } transaction && ReferenceEquals(transaction.Store, this) ? transaction : null;

    /// <summary>The transaction the claim with this owner token joined, or <see langword="null"/> (one read of a counter when none is open).</summary>
    private SqliteIdempotencyTransaction? JoinedBy(string ownerToken) => _joined.Find(ownerToken);

    private async ValueTask<IdempotencyClaimResult> ClaimInTransactionAsync(SqliteIdempotencyTransaction transaction, IdempotencyClaimRequest request, CancellationToken cancellationToken)
    {
        // A live record answers without the write lock: a replay, a run in progress, a reused key.
        var live = await RunAsync("claim", write: false, request, static (c, sql, r) => SqliteStoreCommands.ReadLive(c, null, sql, r), cancellationToken).ConfigureAwait(false);
        if (live is not null)
        {
            return IdempotencyClaimResult.Held(live);
        }

        if (!_uncommitted.TryAdd(request.Key, transaction))
        {
            // Claimed by another transaction of this process that has not committed: a run in progress with this
            // request's fingerprint (whether it was the same request is only known once it commits). The engine answers
            // in progress, or waits and claims again.
            return IdempotencyClaimResult.Held(request.ToInProgressRecord(string.Empty));
        }

        transaction.ClaimedKey = request.Key;
        var beganHere = !transaction.IsWriting;
        var acquired = false;
        try
        {
            if (beganHere)
            {
                await transaction.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            }

            // Under the write lock the upsert sees every commit: it writes unless a live record appeared since the read
            // above (a duplicate from another process that committed while this one waited), which is then returned.
            var held = RunInTransaction(transaction, "claim", request, static (c, tx, sql, r) =>
                SqliteStoreCommands.TryClaim(c, tx, sql, r) ? null : SqliteStoreCommands.ReadLive(c, tx, sql, r)
                    ?? throw new IdempotencyStoreUnavailableException("The claim wrote nothing, yet no record holds the key."));
            if (held is not null)
            {
                return IdempotencyClaimResult.Held(held);
            }

            transaction.Lifecycle.Join(request.OwnerToken);
            _joined.TryAdd(request.OwnerToken, transaction);
            acquired = true;
            return IdempotencyClaimResult.Acquired;
        }
        catch (IdempotencyStoreUnavailableException ex)
        {
            // As on PostgreSQL, a transaction whose claim failed keeps nothing: work run anyway (fail-open) cannot use it.
            transaction.Lifecycle.Fail(ex);
            throw;
        }
        finally
        {
            if (!acquired)
            {
                // Nothing of this claim is kept: the key and (when it took it) the write lock go back at once.
                _uncommitted.Remove(request.Key, transaction);
                transaction.ClaimedKey = null;
                if (beganHere)
                {
                    transaction.EndWrite(commit: false);
                }
            }
        }
    }

    /// <summary>Writes the completion in the transaction and commits it; a failure rolls it all back (SQLite keeps nothing of it).</summary>
    private async ValueTask<bool> CompleteInTransactionAsync(SqliteIdempotencyTransaction transaction, string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl)
    {
        try
        {
            return await transaction.Lifecycle.CompleteAsync(
                () => ValueTask.FromResult(transaction.IsWriting && RunInTransaction(
                    transaction,
                    "complete",
                    (key, ownerToken, payload, now, ttl),
                    static (c, tx, sql, s) => SqliteStoreCommands.Complete(c, tx, sql, s.key, s.ownerToken, s.payload, s.now, s.ttl))),
                () =>
                {
                    transaction.EndWrite(commit: true);
                    return ValueTask.CompletedTask;
                }).ConfigureAwait(false);
        }
        finally
        {
            // After a failure: roll back now, so the write lock is free before the caller hears of it.
            transaction.EndWrite(commit: false);
        }
    }

    /// <summary>A joined claim that ends without a result (the work threw, or was released): its transaction rolls back now.</summary>
    private static bool RollBackJoined(SqliteIdempotencyTransaction transaction)
    {
        transaction.EndWrite(commit: false);
        return true;
    }

    private T RunInTransaction<TState, T>(SqliteIdempotencyTransaction transaction, string operation, TState state, Func<SqliteConnection, SqliteTransaction, SqliteStoreSql, TState, T> body)
    {
        try
        {
            return body(transaction.Connection, transaction.Write, _sql, state);
        }
        catch (Exception ex) when (ex is not IdempotencyRecordCorruptException)
        {
            // The transaction cannot be trusted to keep anything after a failed statement of its own.
            transaction.Lifecycle.Fail(ex);
            if (SqliteStoreErrors.IsBackendFailure(ex, CancellationToken.None))
            {
                throw SqliteStoreErrors.Unavailable(operation, ex, _sql.Table);
            }

            throw;
        }
    }
}
