using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite;

/// <summary>
/// A SQLite transaction an idempotent run joins (<see cref="SqliteIdempotencyStore.BeginTransactionAsync(CancellationToken)"/>): the claim,
/// the caller's writes on <see cref="Transaction"/> and the completion commit together in the store's database file, or
/// not at all.
/// </summary>
/// <remarks>
/// <para>
/// SQLite has one writer per file. A key that a live record holds is answered without writing (a replay, a run in
/// progress); otherwise the claim begins the write transaction (<c>BEGIN IMMEDIATE</c>, waiting up to
/// <see cref="SqliteStoreOptions.BusyTimeout"/> for the write lock) and writes its in-progress row in it. From then until
/// the completion commits (or a failure rolls back) every other write to the file waits: keep the work short.
/// </para>
/// <para>
/// The uncommitted row is the lease: no renewal touches the database, and nobody can take the key over before the
/// transaction ends. A duplicate in this process is answered in progress at once (or waits, per policy); one in another
/// process waits for the write lock and then replays. A process that dies mid-transaction leaves nothing: SQLite rolls
/// the transaction back, and the key is free at once. Do not commit or roll back <see cref="Transaction"/> yourself.
/// </para>
/// </remarks>
public sealed class SqliteIdempotencyTransaction : IIdempotencyTransaction<SqliteTransaction>
{
    // The transaction of the current async flow. Set by Begin (not an async method, so the value stays in the caller's
    // flow and flows into what it calls); a disposed transaction left behind in a flow is inert.
    private static readonly AsyncLocal<SqliteIdempotencyTransaction?> AmbientTransaction = new();

    private readonly bool _ownsConnection;
    private SqliteConnection? _connection;
    private SqliteTransaction? _write;
    private bool _broken;
    private bool _endedByWork;

    private SqliteIdempotencyTransaction(SqliteIdempotencyStore store, SqliteConnection? connection)
    {
        Store = store;
        _connection = connection;
        _ownsConnection = connection is null;
    }

    /// <summary>
    /// Gets the transaction to run the work's own statements in (with its <see cref="SqliteTransaction.Connection"/>). A
    /// claim that joined began it; a run without a claim (no key, fail-open) begins it here, waiting for the write lock.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transaction has ended, or failed.</exception>
    /// <exception cref="IdempotencyStoreUnavailableException">The write lock could not be had within the busy timeout.</exception>
    public SqliteTransaction Transaction => Lifecycle.Ended
        ? throw new InvalidOperationException("The idempotency transaction has ended.")
        : _write ?? (State == IdempotencyTransactionState.Open
            ? _write = Store.BeginWrite(_connection!)
            : throw new InvalidOperationException($"The idempotency transaction is no longer open (it is {State})."));

    /// <inheritdoc />
    public IdempotencyTransactionState State => Lifecycle.State;

    /// <inheritdoc />
    public Exception? Failure => Lifecycle.Failure;

    /// <summary>Gets the ambient transaction of the current async flow, or <see langword="null"/>.</summary>
    internal static SqliteIdempotencyTransaction? Current => AmbientTransaction.Value is { Lifecycle.Ended: false } current ? current : null;

    internal TransactionLifecycle Lifecycle { get; } = new();

    internal SqliteIdempotencyStore Store { get; }

    /// <summary>Gets whether the transaction holds the write lock (it began writing and has not ended).</summary>
    internal bool IsWriting => _write is not null;

    internal SqliteConnection Connection => _connection!;

    internal SqliteTransaction Write => _write!;

    /// <summary>Gets or sets the store key this transaction's claim wrote (uncommitted), for the store's in-process duplicates.</summary>
    internal string? ClaimedKey { get; set; }

    /// <inheritdoc />
    public ValueTask CommitAsync(CancellationToken cancellationToken) =>
        Lifecycle.CommitUnclaimedAsync(
            _ =>
            {
                EndWrite(commit: true);
                return ValueTask.CompletedTask;
            },
            cancellationToken);

    /// <summary>Rolls back unless committed, lets go of the write lock, and returns the connection to the store (unless it is the caller's).</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        if (Lifecycle.Ended)
        {
            return ValueTask.CompletedTask;
        }

        Lifecycle.Ended = true;
        Store.Leave(this);
        try
        {
            EndWrite(commit: false);
        }
        finally
        {
            if (_ownsConnection && _connection is { } connection)
            {
                Store.Return(connection, _broken || State == IdempotencyTransactionState.Failed);
            }
        }

        return ValueTask.CompletedTask;
    }

    // Not async: the ambient value must be set in the caller's flow, which an async method would restore on return.
    // A connection of the caller's (open, to the store's file) is used as it is and left open at the end.
    internal static ValueTask<SqliteIdempotencyTransaction> Begin(SqliteIdempotencyStore store, SqliteConnection? connection, CancellationToken cancellationToken)
    {
        var transaction = new SqliteIdempotencyTransaction(store, connection);
        AmbientTransaction.Value = transaction;
        return transaction.OpenAsync(cancellationToken);
    }

    /// <summary>Takes the write lock (see <see cref="SqliteIdempotencyStore.BeginWriteAsync"/>) and begins writing.</summary>
    internal async ValueTask BeginWriteAsync(CancellationToken cancellationToken) =>
        _write = await Store.BeginWriteAsync(_connection!, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Whether the work ended the driver's transaction itself (committed, rolled back or disposed it, or ran COMMIT or
    /// ROLLBACK as a statement, which leaves the connection in autocommit behind the driver's back; it must do none of
    /// these). Once seen, the write lock is let go of: nothing is left to commit or roll back in this transaction.
    /// </summary>
    /// <returns><see langword="true"/> when the work ended it.</returns>
    internal bool LetGoIfEndedByWork()
    {
        if (_write is { } write && (write.Connection is null || SQLitePCL.raw.sqlite3_get_autocommit(_connection!.Handle) != 0))
        {
            _endedByWork = true;
            EndWrite(commit: false);
        }

        return _endedByWork;
    }

    /// <summary>
    /// Commits (<paramref name="commit"/>) or rolls back what was written, and lets go of the write lock either way; a
    /// commit that fails is rolled back before it throws (SQLite keeps a transaction open after a failed COMMIT). Nothing
    /// happens when the transaction is not writing.
    /// </summary>
    internal void EndWrite(bool commit)
    {
        if (_write is not { } write)
        {
            return;
        }

        _write = null;
        var committed = false;
        try
        {
            if (commit)
            {
                write.Commit();
                committed = true;
            }
        }
        finally
        {
            if (!committed)
            {
                RollBack(write);
            }

            Store.EndWrite(this);
        }
    }

    private void RollBack(SqliteTransaction write)
    {
        try
        {
            write.Rollback();
            write.Dispose();
        }
        catch (Exception ex) when (SqliteStoreErrors.IsBackendFailure(ex, CancellationToken.None) || ex is InvalidOperationException)
        {
            // SQLite rolled back already (an I/O error, a full disk), or the connection is unusable: closing it ends
            // whatever is left, so it is not reused.
            _broken = true;
        }
    }

    private async ValueTask<SqliteIdempotencyTransaction> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_connection is null)
            {
                _connection = await Store.RentAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Store.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
            }

            return this;
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
