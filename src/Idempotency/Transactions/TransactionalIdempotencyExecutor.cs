using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Idempotency;

/// <summary>
/// Runs an operation exactly once in effect per key with its database writes in the same transaction as the idempotency
/// record: the claim, the operation's writes and the completion commit together, or none of them does. Keys,
/// fingerprints, policies, serialization and outcomes are the executor's (<see cref="IIdempotencyExecutor"/>). Each store
/// that provides transactions derives one (<c>NpgsqlTransactionalExecutor</c>, <c>SqliteTransactionalExecutor</c>); see
/// docs/transactional.md.
/// </summary>
/// <typeparam name="TTransaction">The store's transaction, which the claim joins.</typeparam>
/// <typeparam name="TDatabase">The driver's transaction the operation runs its statements in.</typeparam>
public abstract class TransactionalIdempotencyExecutor<TTransaction, TDatabase>
    where TTransaction : IIdempotencyTransaction<TDatabase>
{
    private readonly IIdempotencyExecutor _executor;
    private readonly Func<CancellationToken, ValueTask<TTransaction>> _begin;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="TransactionalIdempotencyExecutor{TTransaction, TDatabase}"/> class.</summary>
    /// <param name="executor">The executor, over the store whose transactions this runs in.</param>
    /// <param name="begin">
    /// Begins a transaction of that store and makes it the ambient one of the calling flow (the store's
    /// <c>BeginTransactionAsync</c>; see <see cref="IIdempotencyTransactionFactory.BeginAsync(CancellationToken)"/>).
    /// </param>
    /// <param name="loggerFactory">Logging; none when <see langword="null"/>.</param>
    protected TransactionalIdempotencyExecutor(IIdempotencyExecutor executor, Func<CancellationToken, ValueTask<TTransaction>> begin, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(begin);
        _executor = executor;
        _begin = begin;
        _logger = (ILogger?)loggerFactory?.CreateLogger("Idempotency") ?? NullLogger.Instance;
    }

    /// <summary>Runs <paramref name="operation"/> once per key in one transaction with its record, and replays its result to every later call.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="operation">The work: its statements go to the transaction it is given (and its connection). It must not commit or roll back.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>The result and whether it was replayed.</returns>
    /// <exception cref="IdempotencyStoreUnavailableException">The transaction could not begin; or, as <see cref="IdempotencyTransactionNotCommittedException"/>, it did not commit (nothing of the run was kept).</exception>
    public ValueTask<IdempotencyResult<T>> ExecuteAsync<T>(IdempotencyRequest request, Func<TDatabase, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync(request, t => _executor.ExecuteAsync(request, ct => operation(t.Transaction, ct), cancellationToken), static r => r.Outcome, cancellationToken);
    }

    /// <summary>Runs <paramref name="operation"/> once per key in one transaction with its record.</summary>
    /// <param name="request">The request.</param>
    /// <param name="operation">The work: its statements go to the transaction it is given (and its connection). It must not commit or roll back.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>Whether the run was replayed.</returns>
    /// <exception cref="IdempotencyStoreUnavailableException">The transaction could not begin; or, as <see cref="IdempotencyTransactionNotCommittedException"/>, it did not commit (nothing of the run was kept).</exception>
    public ValueTask<IdempotencyResult> ExecuteAsync(IdempotencyRequest request, Func<TDatabase, CancellationToken, ValueTask> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync(request, t => _executor.ExecuteAsync(request, ct => operation(t.Transaction, ct), cancellationToken), static r => r.Outcome, cancellationToken);
    }

    private async ValueTask<TResult> RunAsync<TResult>(IdempotencyRequest request, Func<TTransaction, ValueTask<TResult>> run, Func<TResult, IdempotencyOutcome> outcome, CancellationToken cancellationToken)
    {
        // Begun inside this async method: the transaction is ambient for the run below and gone from the caller's flow after.
        var transaction = await _begin(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var result = await run(transaction).ConfigureAwait(false);
            await SettleAsync(request, transaction, outcome(result), cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    /// <summary>
    /// After the engine answered: a run under a claim committed with its completion (or the engine threw); a run without a
    /// claim (no key, fail-open) commits its writes here; a replay wrote nothing and is rolled back with the disposal.
    /// </summary>
    private async ValueTask SettleAsync(IdempotencyRequest request, TTransaction transaction, IdempotencyOutcome outcome, CancellationToken cancellationToken)
    {
        if (transaction.State == IdempotencyTransactionState.Open && outcome is IdempotencyOutcome.ExecutedWithoutKey or IdempotencyOutcome.ExecutedUnprotected)
        {
            try
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (transaction.State == IdempotencyTransactionState.Failed)
            {
                // Thrown below, like a joined transaction that failed.
            }
        }

        if (transaction.State == IdempotencyTransactionState.Committed || (transaction.State == IdempotencyTransactionState.Open && outcome == IdempotencyOutcome.Replayed))
        {
            return;
        }

        var notCommitted = new IdempotencyTransactionNotCommittedException(transaction.Failure);
        Log.UnclaimedTransactionNotCommitted(_logger, notCommitted, request.Name ?? request.Operation);
        throw notCommitted;
    }
}
