using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Idempotency.EntityFrameworkCore;

/// <summary>
/// Runs an operation on a <see cref="DbContext"/> exactly once in effect per key: the claim, the operation's
/// <c>SaveChangesAsync</c> and the completion run in one transaction on the context's own connection and commit together,
/// or none of them does. Keys, fingerprints, policies, serialization and outcomes are the executor's
/// (<see cref="IIdempotencyExecutor"/>); the transaction is the store's (<see cref="IIdempotencyTransactionFactory"/>: the
/// PostgreSQL or SQLite store with its transactions added). See docs/transactional.md.
/// </summary>
/// <remarks>
/// <para>
/// The context must connect to the store's database (the PostgreSQL database, or the SQLite file, of the idempotency
/// table). The whole run goes through the context's execution strategy, so a retrying strategy
/// (<c>EnableRetryOnFailure</c>) retries the run as a unit — begin, claim, operation, commit — rather than refusing the
/// transaction; a retry of a run whose commit did land replays its result.
/// </para>
/// <para>
/// A replay, an in-progress answer or a rejected key never calls the operation and leaves the context as it was. A run that
/// does not commit (the operation threw, or the commit failed) clears the context's change tracker: the entities it
/// tracked were saved into a transaction that rolled back, so they no longer match the database.
/// </para>
/// </remarks>
/// <param name="executor">The executor, over the store that provides <paramref name="transactions"/>.</param>
/// <param name="transactions">The store's transactions (the store itself).</param>
/// <param name="loggerFactory">Logging; none when <see langword="null"/>.</param>
public sealed class DbContextIdempotencyExecutor(IIdempotencyExecutor executor, IIdempotencyTransactionFactory transactions, ILoggerFactory? loggerFactory = null)
{
    private readonly IIdempotencyExecutor _executor = executor ?? throw new ArgumentNullException(nameof(executor));
    private readonly IIdempotencyTransactionFactory _transactions = transactions ?? throw new ArgumentNullException(nameof(transactions));

    /// <summary>Runs <paramref name="operation"/> once per key in one transaction with its record, and replays its result to every later call.</summary>
    /// <typeparam name="TContext">The context type.</typeparam>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="context">The context whose connection the transaction runs on; the operation gets it back.</param>
    /// <param name="request">The request.</param>
    /// <param name="operation">The work: changes to the context and <c>SaveChangesAsync</c>. It must not begin, commit or roll back a transaction.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>The result and whether it was replayed.</returns>
    /// <exception cref="IdempotencyStoreUnavailableException">The transaction could not begin; or, as <see cref="IdempotencyTransactionNotCommittedException"/>, it did not commit (nothing of the run was kept).</exception>
    /// <exception cref="InvalidOperationException">The context is in a transaction of its own.</exception>
    public ValueTask<IdempotencyResult<T>> ExecuteAsync<TContext, T>(TContext context, IdempotencyRequest request, Func<TContext, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync(context, (run, attempt) => run.ExecuteAsync(request, (transaction, ct) => attempt.JoinAsync(transaction, operation, ct), cancellationToken), cancellationToken);
    }

    /// <summary>Runs <paramref name="operation"/> once per key in one transaction with its record.</summary>
    /// <typeparam name="TContext">The context type.</typeparam>
    /// <param name="context">The context whose connection the transaction runs on; the operation gets it back.</param>
    /// <param name="request">The request.</param>
    /// <param name="operation">The work: changes to the context and <c>SaveChangesAsync</c>. It must not begin, commit or roll back a transaction.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>Whether the run was replayed.</returns>
    /// <exception cref="IdempotencyStoreUnavailableException">The transaction could not begin; or, as <see cref="IdempotencyTransactionNotCommittedException"/>, it did not commit (nothing of the run was kept).</exception>
    /// <exception cref="InvalidOperationException">The context is in a transaction of its own.</exception>
    public ValueTask<IdempotencyResult> ExecuteAsync<TContext>(TContext context, IdempotencyRequest request, Func<TContext, CancellationToken, ValueTask> operation, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync(
            context,
            (run, attempt) => run.ExecuteAsync(request, (transaction, ct) => attempt.JoinAsync(transaction, operation, ct), cancellationToken),
            cancellationToken);
    }

    /// <summary>Every attempt of the context's execution strategy is a whole run: a transaction of its own, claim, work, commit.</summary>
    private ValueTask<TResult> RunAsync<TContext, TResult>(TContext context, Func<ConnectionTransactionExecutor, ContextAttempt<TContext>, ValueTask<TResult>> run, CancellationToken cancellationToken)
        where TContext : DbContext =>
        new(context.Database.CreateExecutionStrategy().ExecuteAsync(
            (Self: this, Context: context, Run: run),
            static (state, ct) => state.Self.AttemptAsync(state.Context, state.Run, ct),
            cancellationToken));

    private async Task<TResult> AttemptAsync<TContext, TResult>(TContext context, Func<ConnectionTransactionExecutor, ContextAttempt<TContext>, ValueTask<TResult>> run, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        var database = context.Database;
        if (database.CurrentTransaction is not null)
        {
            // Its statements would run outside the idempotency transaction, and its commit would not be the record's.
            throw new InvalidOperationException("The context is in a transaction of its own; the idempotent run begins the transaction its SaveChangesAsync joins. Run it outside any transaction of the context.");
        }

        // Opened through EF Core, so the context counts it open (and its provider set it up) until the run is over.
        await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var attempt = new ContextAttempt<TContext>(context);
        try
        {
            return await run(new ConnectionTransactionExecutor(_executor, _transactions, database.GetDbConnection(), loggerFactory), attempt).ConfigureAwait(false);
        }
        catch when (attempt.Joined)
        {
            // Whatever the work saved rolled back with the transaction: tracked entries would claim rows that do not exist.
            context.ChangeTracker.Clear();
            throw;
        }
        finally
        {
            await database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The context's part of one attempt: it joins the store's transaction only while the work runs.</summary>
    private sealed class ContextAttempt<TContext>(TContext context)
        where TContext : DbContext
    {
        public bool Joined { get; private set; }

        public async ValueTask<T> JoinAsync<T>(DbTransaction transaction, Func<TContext, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
        {
            Joined = true;

            // Not owned by the context: disposing it detaches the transaction (and the connection count) without ending it.
            var joined = await context.Database.UseTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
            await using (joined!.ConfigureAwait(false))
            {
                return await operation(context, cancellationToken).ConfigureAwait(false);
            }
        }

        public async ValueTask JoinAsync(DbTransaction transaction, Func<TContext, CancellationToken, ValueTask> operation, CancellationToken cancellationToken)
        {
            Joined = true;
            var joined = await context.Database.UseTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
            await using (joined!.ConfigureAwait(false))
            {
                await operation(context, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
