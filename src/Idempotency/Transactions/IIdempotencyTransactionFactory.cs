using System.Data.Common;

namespace Idempotency;

/// <summary>
/// Begins a database transaction that the next claim of the store joins: the claim, the caller's own writes in that
/// transaction and the completion then commit together, or not at all (exactly-once effects for database work).
/// Implemented by stores that can do it (PostgreSQL, SQLite); integrations such as the HTTP middleware use it without knowing
/// the database. See docs/transactional.md.
/// </summary>
public interface IIdempotencyTransactionFactory
{
    /// <summary>
    /// Opens a connection, begins a transaction and makes it the ambient one of the calling async flow, so the first
    /// claim made in that flow joins it. Call it directly from the method that then runs the idempotent work (the ambient
    /// transaction flows down into the calls it makes, not back up to its callers).
    /// </summary>
    /// <param name="cancellationToken">Cancels opening the connection.</param>
    /// <returns>The transaction; dispose it (which rolls back unless it committed).</returns>
    ValueTask<IIdempotencyTransaction> BeginAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins the transaction on a connection the caller owns (an Entity Framework Core context's, so the context's writes
    /// and the idempotency record share it) and makes it the ambient one of the calling async flow, like
    /// <see cref="BeginAsync(CancellationToken)"/>. The connection must be the store's driver's, open, to the store's
    /// database, with no transaction of its own; disposing the transaction rolls back what did not commit and leaves the
    /// connection open.
    /// </summary>
    /// <param name="connection">The open connection to begin the transaction on.</param>
    /// <param name="cancellationToken">Cancels beginning the transaction.</param>
    /// <returns>The transaction; dispose it (which rolls back unless it committed).</returns>
    /// <exception cref="ArgumentException">The connection is not the store's driver's.</exception>
    ValueTask<IIdempotencyTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken);
}
