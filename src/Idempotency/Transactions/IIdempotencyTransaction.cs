namespace Idempotency;

/// <summary>
/// A database transaction an idempotent run joins (from <see cref="IIdempotencyTransactionFactory"/>). The first claim made
/// while it is ambient joins it; that claim's completion writes the record in it and commits, so the record and the
/// work's own writes in the transaction commit together. Disposing it rolls back whatever did not commit.
/// </summary>
public interface IIdempotencyTransaction : IAsyncDisposable
{
    /// <summary>Gets what became of the transaction so far; an integration reads it after the work to decide what to answer.</summary>
    IdempotencyTransactionState State { get; }

    /// <summary>Gets why the transaction failed (<see cref="IdempotencyTransactionState.Failed"/>), or <see langword="null"/>.</summary>
    Exception? Failure { get; }

    /// <summary>
    /// Commits a transaction that no claim joined (a run without a key, or unprotected after fail-open), so the work's own
    /// writes are kept. A joined transaction is committed by its claim's completion instead.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the transaction has committed.</returns>
    /// <exception cref="InvalidOperationException">A claim joined the transaction, or it has ended.</exception>
    ValueTask CommitAsync(CancellationToken cancellationToken);
}

/// <summary>An <see cref="IIdempotencyTransaction"/> that gives the work its database driver's transaction.</summary>
/// <typeparam name="TDatabase">The driver's transaction type (<c>NpgsqlTransaction</c>, <c>SqliteTransaction</c>).</typeparam>
public interface IIdempotencyTransaction<out TDatabase> : IIdempotencyTransaction
{
    /// <summary>Gets the driver's transaction, to run the work's own statements in. Never commit or roll it back yourself.</summary>
    /// <exception cref="InvalidOperationException">The transaction has ended.</exception>
    TDatabase Transaction { get; }
}
