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
}
