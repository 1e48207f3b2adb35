using System.Data.Common;
using Npgsql;

namespace Idempotency.Npgsql;

// Transactional idempotency: the claim, the caller's writes and the completion in one transaction (docs/transactional.md).
// The engine is not told: the store recognises the claim by the ambient transaction, and the claim's later calls by
// its owner token, and runs them on the transaction's connection instead of a pooled one.
public sealed partial class NpgsqlIdempotencyStore : IIdempotencyTransactionFactory
{
    // Joined transactions by owner token: renewals run on timer threads, where the ambient transaction may not flow.
    private readonly TransactionRegistry<NpgsqlIdempotencyTransaction> _joined = new();

    /// <summary>
    /// Opens a connection from the data source, begins a transaction and makes it the ambient one of the calling async
    /// flow: the next claim of this store in that flow joins it (see <see cref="NpgsqlIdempotencyTransaction"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels opening the connection.</param>
    /// <returns>The transaction; dispose it (which rolls back unless it committed).</returns>
    /// <exception cref="IdempotencyStoreUnavailableException">The connection could not be opened.</exception>
    public ValueTask<NpgsqlIdempotencyTransaction> BeginTransactionAsync(CancellationToken cancellationToken) =>
        NpgsqlIdempotencyTransaction.Begin(this, _dataSource, null, cancellationToken);

    /// <summary>
    /// Begins the transaction on a connection of the caller's (an Entity Framework Core context's, say) and makes it the
    /// ambient one of the calling async flow, like <see cref="BeginTransactionAsync(CancellationToken)"/>. The connection
    /// must be open, to this store's database, with no transaction of its own; disposing the transaction leaves it open.
    /// </summary>
    /// <param name="connection">The open connection to begin the transaction on.</param>
    /// <param name="cancellationToken">Cancels beginning the transaction.</param>
    /// <returns>The transaction; dispose it (which rolls back unless it committed).</returns>
    /// <exception cref="IdempotencyStoreUnavailableException">The transaction could not begin.</exception>
    public ValueTask<NpgsqlIdempotencyTransaction> BeginTransactionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return NpgsqlIdempotencyTransaction.Begin(this, _dataSource, connection, cancellationToken);
    }

    /// <inheritdoc />
    ValueTask<IIdempotencyTransaction> IIdempotencyTransactionFactory.BeginAsync(CancellationToken cancellationToken) =>
        AsInterfaceAsync(BeginTransactionAsync(cancellationToken));

    /// <inheritdoc />
    ValueTask<IIdempotencyTransaction> IIdempotencyTransactionFactory.BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
        AsInterfaceAsync(BeginTransactionAsync(
            connection as NpgsqlConnection ?? throw new ArgumentException($"The PostgreSQL store begins transactions on an NpgsqlConnection, not a {connection?.GetType().Name ?? "null"}.", nameof(connection)),
            cancellationToken));

    internal void Leave(NpgsqlIdempotencyTransaction transaction) => _joined.Remove(transaction.Lifecycle.OwnerToken, transaction);

    private static async ValueTask<IIdempotencyTransaction> AsInterfaceAsync(ValueTask<NpgsqlIdempotencyTransaction> begin) => await begin.ConfigureAwait(false);

    /// <summary>The ambient transaction a claim of this store joins, or <see langword="null"/>.</summary>
    private NpgsqlIdempotencyTransaction? ClaimTransaction() =>
        NpgsqlIdempotencyTransaction.Current is { State: IdempotencyTransactionState.Open } transaction && ReferenceEquals(transaction.Store, this) ? transaction : null;

    /// <summary>The transaction the claim with this owner token joined, or <see langword="null"/> (one read of a counter when none is open).</summary>
    private NpgsqlIdempotencyTransaction? JoinedBy(string ownerToken) => _joined.Find(ownerToken);

    private async ValueTask<IdempotencyClaimResult> ClaimInTransactionAsync(NpgsqlIdempotencyTransaction transaction, IdempotencyClaimRequest request, CancellationToken cancellationToken)
    {
        var result = await RunInTransactionAsync(
            transaction,
            "claim",
            _sql.TransactionalClaim,
            request,
            static (parameters, r) =>
            {
                parameters.Add(Text(r.Key));
                parameters.Add(Text(r.OwnerToken));
                parameters.Add(Text(r.Fingerprint));
                parameters.Add(Instant(r.Now));
                parameters.Add(Instant(r.Now + r.Lease));
                parameters.Add(Instant(r.Now + r.Ttl));
            },
            (command, r, ct) => TransactionalClaimCoreAsync(command, r, ct),
            cancellationToken).ConfigureAwait(false);
        if (result.IsAcquired)
        {
            transaction.Lifecycle.Join(request.OwnerToken);
            _joined.TryAdd(request.OwnerToken, transaction);
        }

        return result;
    }

    private async Task<IdempotencyClaimResult> TransactionalClaimCoreAsync(NpgsqlCommand command, IdempotencyClaimRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new IdempotencyStoreUnavailableException("The claim statement returned no row.");
                }

                if (reader.GetBoolean(0))
                {
                    return IdempotencyClaimResult.Acquired;
                }

                if (!reader.IsDBNull(1))
                {
                    return IdempotencyClaimResult.Held(RecordReader.Read(reader, 1, request.Key));
                }

                if (!reader.GetBoolean(NpgsqlStoreSql.TransactionalClaimLockColumn))
                {
                    // Another transaction is claiming this key and has not committed: its row is invisible, so it is
                    // described as what it is, a run in progress with this request's fingerprint (whether it was the
                    // same request is only known once it commits). The engine answers in-progress, or waits and claims again.
                    return IdempotencyClaimResult.Held(request.ToInProgressRecord(string.Empty));
                }
            }

            // The key was free when the statement's snapshot was taken, and a claim committed before its insert: again.
            if (attempt == NpgsqlStoreDefaults.MaxClaimAttempts)
            {
                throw new IdempotencyStoreUnavailableException($"The claim lost {attempt} races in a row for one key; try again.");
            }

            Interlocked.Increment(ref _repeatedClaims);
        }
    }

    /// <summary>Writes the completion in the transaction and commits it; if either fails, PostgreSQL rolls the whole transaction back.</summary>
    private ValueTask<bool> CompleteInTransactionAsync(NpgsqlIdempotencyTransaction transaction, string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl) =>
        transaction.Lifecycle.CompleteAsync(
            async () => await RunInTransactionAsync(
                transaction,
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
                CancellationToken.None).ConfigureAwait(false) == 1,
            () => new ValueTask(transaction.Transaction.CommitAsync(CancellationToken.None)));

    private async ValueTask<T> RunInTransactionAsync<T, TState>(
        NpgsqlIdempotencyTransaction transaction,
        string operation,
        string sql,
        TState state,
        Action<NpgsqlParameterCollection, TState> bind,
        Func<NpgsqlCommand, TState, CancellationToken, Task<T>> execute,
        CancellationToken cancellationToken)
    {
        try
        {
            var command = new NpgsqlCommand(sql, transaction.Connection, transaction.Transaction);
            await using (command.ConfigureAwait(false))
            {
                bind(command.Parameters, state);
                if (_prepare)
                {
                    await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
                }

                return await execute(command, state, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not IdempotencyRecordCorruptException)
        {
            // Any failed statement aborts a PostgreSQL transaction; no repeat on another connection could join it.
            transaction.Lifecycle.Fail(ex);
            if (NpgsqlStoreErrors.IsBackendFailure(ex, cancellationToken))
            {
                throw NpgsqlStoreErrors.Unavailable(operation, ex, _sql.Table);
            }

            throw;
        }
    }
}
