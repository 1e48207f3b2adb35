using Npgsql;

namespace Idempotency.Npgsql;

/// <summary>
/// A PostgreSQL transaction an idempotent run joins (<see cref="NpgsqlIdempotencyStore.BeginTransactionAsync(CancellationToken)"/>): the
/// claim, the caller's writes on <see cref="Transaction"/> and the completion commit together, or not at all.
/// </summary>
/// <remarks>
/// The first claim made while it is ambient joins it; later claims (another operation called from inside the work) use
/// the store as usual. The claim's completion writes the record and commits. Within the transaction the uncommitted row
/// (its row lock) is the lease: no renewal touches the database, and nobody else can see or take over the row before it
/// commits. Do not commit or roll back <see cref="Transaction"/> yourself.
/// </remarks>
public sealed class NpgsqlIdempotencyTransaction : IIdempotencyTransaction<NpgsqlTransaction>
{
    // The transaction of the current async flow. Set by BeginAsync (not an async method, so the value stays in the
    // caller's flow and flows into what it calls); a disposed transaction left behind in a flow is inert.
    private static readonly AsyncLocal<NpgsqlIdempotencyTransaction?> AmbientTransaction = new();

    private readonly NpgsqlIdempotencyStore _store;
    private readonly bool _ownsConnection;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;

    private NpgsqlIdempotencyTransaction(NpgsqlIdempotencyStore store, NpgsqlConnection? connection)
    {
        _store = store;
        _connection = connection;
        _ownsConnection = connection is null;
    }

    /// <summary>Gets the transaction to run the work's own statements in (with its <see cref="NpgsqlTransaction.Connection"/>).</summary>
    /// <exception cref="InvalidOperationException">The transaction has ended.</exception>
    public NpgsqlTransaction Transaction => !Lifecycle.Ended && _transaction is { } transaction
        ? transaction
        : throw new InvalidOperationException("The idempotency transaction has ended.");

    /// <inheritdoc />
    public IdempotencyTransactionState State => Lifecycle.State;

    /// <inheritdoc />
    public Exception? Failure => Lifecycle.Failure;

    /// <summary>Gets the ambient transaction of the current async flow, or <see langword="null"/>.</summary>
    internal static NpgsqlIdempotencyTransaction? Current => AmbientTransaction.Value is { Lifecycle.Ended: false } current ? current : null;

    internal TransactionLifecycle Lifecycle { get; } = new();

    internal NpgsqlIdempotencyStore Store => _store;

    internal NpgsqlConnection Connection => _connection!;

    /// <summary>
    /// Gets whether the work ended the driver's transaction itself (committed, rolled back or disposed it, which it must
    /// not): then nothing is left to commit or roll back in it.
    /// </summary>
    internal bool EndedByWork
    {
        get
        {
            if (_transaction is not { } transaction)
            {
                return false;
            }

            try
            {
                // Npgsql keeps whether a transaction completed to itself; a command refuses a completed (or disposed) one.
                using var probe = new NpgsqlCommand { Transaction = transaction };
                return false;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask CommitAsync(CancellationToken cancellationToken) =>
        Lifecycle.CommitUnclaimedAsync(ct => new ValueTask(_transaction!.CommitAsync(ct)), cancellationToken);

    /// <summary>Rolls back unless committed, and returns the connection to the pool (unless it is the caller's).</summary>
    /// <returns>A task that completes when the connection is back.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Lifecycle.Ended)
        {
            return;
        }

        Lifecycle.Ended = true;
        _store.Leave(this);
        try
        {
            if (_transaction is { } transaction)
            {
                // Disposing an uncommitted NpgsqlTransaction rolls it back; on a broken connection there is nothing to undo.
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (NpgsqlStoreErrors.IsBackendFailure(ex, CancellationToken.None))
        {
            // The server ends a transaction whose connection dies: the rollback has happened there.
        }
        finally
        {
            if (_ownsConnection && _connection is { } connection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // Not async: the ambient value must be set in the caller's flow, which an async method would restore on return.
    // A connection of the caller's (open, to the store's database) is used as it is and left open at the end.
    internal static ValueTask<NpgsqlIdempotencyTransaction> Begin(NpgsqlIdempotencyStore store, NpgsqlDataSource dataSource, NpgsqlConnection? connection, CancellationToken cancellationToken)
    {
        var transaction = new NpgsqlIdempotencyTransaction(store, connection);
        AmbientTransaction.Value = transaction;
        return transaction.OpenAsync(dataSource, cancellationToken);
    }

    private async ValueTask<NpgsqlIdempotencyTransaction> OpenAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            _connection ??= await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

            // Read committed (PostgreSQL's default): each statement sees what committed before it, which is what lets a
            // claim that lost a race see the winner's row when it runs again.
            _transaction = await _connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            return this;
        }
        catch (Exception ex)
        {
            await DisposeAsync().ConfigureAwait(false);
            if (NpgsqlStoreErrors.IsBackendFailure(ex, cancellationToken))
            {
                throw NpgsqlStoreErrors.Unavailable("begin transaction", ex, _store.TableName);
            }

            throw;
        }
    }
}
