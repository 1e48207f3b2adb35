using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Idempotency.Npgsql;

/// <summary>
/// Runs an operation exactly once in effect per key with its database writes in the same PostgreSQL transaction as the
/// idempotency record: the claim, the operation's writes and the completion commit together, or none of them does.
/// Keys, fingerprints, policies, serialization and outcomes are the executor's (<see cref="IIdempotencyExecutor"/>).
/// </summary>
/// <remarks>
/// A concurrent duplicate gets the policy's in-progress answer (or waits with <see cref="IdempotencyPolicy.InProgressWait"/>)
/// and then the replay. An operation that throws rolls everything back and the key stays free for a retry; so does a
/// failed commit, reported as <see cref="IdempotencyStoreUnavailableException"/>. See docs/transactional.md.
/// </remarks>
public sealed class NpgsqlTransactionalExecutor
{
    private readonly IIdempotencyExecutor _executor;
    private readonly NpgsqlIdempotencyStore _store;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="NpgsqlTransactionalExecutor"/> class.</summary>
    /// <param name="executor">The executor, over <paramref name="store"/>.</param>
    /// <param name="store">The PostgreSQL store the executor uses: its data source opens the transactions.</param>
    /// <param name="loggerFactory">Logging; none when <see langword="null"/>.</param>
    public NpgsqlTransactionalExecutor(IIdempotencyExecutor executor, NpgsqlIdempotencyStore store, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(store);
        _executor = executor;
        _store = store;
        _logger = (ILogger?)loggerFactory?.CreateLogger("Idempotency.Npgsql") ?? NullLogger.Instance;
    }

    /// <summary>Runs <paramref name="operation"/> once per key in one transaction with its record, and replays its result to every later call.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="operation">The work: its statements go to the transaction it is given (and its connection). It must not commit or roll back.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>The result and whether it was replayed.</returns>
    /// <exception cref="IdempotencyStoreUnavailableException">The transaction could not begin, or did not commit (nothing of the run was kept).</exception>
    public async ValueTask<IdempotencyResult<T>> ExecuteAsync<T>(IdempotencyRequest request, Func<NpgsqlTransaction, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var transaction = await _store.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var result = await _executor.ExecuteAsync(request, ct => operation(transaction.Transaction, ct), cancellationToken).ConfigureAwait(false);
            await SettleAsync(transaction, result.Outcome, cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    /// <summary>Runs <paramref name="operation"/> once per key in one transaction with its record.</summary>
    /// <param name="request">The request.</param>
    /// <param name="operation">The work: its statements go to the transaction it is given (and its connection). It must not commit or roll back.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>Whether the run was replayed.</returns>
    /// <exception cref="IdempotencyStoreUnavailableException">The transaction could not begin, or did not commit (nothing of the run was kept).</exception>
    public async ValueTask<IdempotencyResult> ExecuteAsync(IdempotencyRequest request, Func<NpgsqlTransaction, CancellationToken, ValueTask> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var transaction = await _store.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var result = await _executor.ExecuteAsync(request, ct => operation(transaction.Transaction, ct), cancellationToken).ConfigureAwait(false);
            await SettleAsync(transaction, result.Outcome, cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    /// <summary>
    /// After the executor answered: a run under a claim committed with its completion (or failed); a run without a claim
    /// (no key, fail-open) commits its writes here; a replay wrote nothing and is rolled back with the disposal.
    /// </summary>
    private async ValueTask SettleAsync(NpgsqlIdempotencyTransaction transaction, IdempotencyOutcome outcome, CancellationToken cancellationToken)
    {
        if (transaction.State == IdempotencyTransactionState.Open && outcome is IdempotencyOutcome.ExecutedWithoutKey or IdempotencyOutcome.ExecutedUnprotected)
        {
            try
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (NpgsqlStoreErrors.IsBackendFailure(ex, cancellationToken))
            {
                // Fails below, like a joined transaction.
            }
        }

        if (transaction.State is IdempotencyTransactionState.Committed || (transaction.State == IdempotencyTransactionState.Open && outcome == IdempotencyOutcome.Replayed))
        {
            return;
        }

        throw Failed(transaction, _logger, _store.TableName);
    }

    /// <summary>The run's writes and record were rolled back: the key is free, and a retry runs again.</summary>
    internal static IdempotencyStoreUnavailableException Failed(IIdempotencyTransaction transaction, ILogger logger, string table)
    {
        Log.TransactionRolledBack(logger, transaction.Failure, table);
        return new IdempotencyStoreUnavailableException(
            "The idempotency transaction did not commit, so neither the work's writes nor its record were kept; retry with the same key." +
            (transaction.Failure is PostgresException postgres ? $" ({postgres.SqlState}: {postgres.MessageText})" : string.Empty),
            transaction.Failure);
    }
}
