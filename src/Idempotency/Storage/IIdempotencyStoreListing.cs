namespace Idempotency;

/// <summary>Implemented by stores that can list their records page by page, for operators (the administration API and the command-line tool).</summary>
/// <remarks>
/// Stores with an index on the creation time (PostgreSQL, SQLite, in-memory) list newest first across pages. Stores that
/// can only scan (Redis with <c>SCAN</c>, DynamoDB with <c>Scan</c>) list in scan order, newest first within each page,
/// and say so in their documentation, with the cost of a page.
/// </remarks>
public interface IIdempotencyStoreListing
{
    /// <summary>Reads one page of the records live at <paramref name="now"/>.</summary>
    /// <param name="status">Only records of this status; every status when <see langword="null"/>.</param>
    /// <param name="now">The caller's clock: expired records are left out.</param>
    /// <param name="limit">The most records in the page (1 to 1000).</param>
    /// <param name="continuation">Where the page starts: <see langword="null"/> for the first page, else the <see cref="IdempotencyRecordPage.Continuation"/> of the previous page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page; its <see cref="IdempotencyRecordPage.Continuation"/> is <see langword="null"/> after the last page.</returns>
    /// <exception cref="ArgumentException"><paramref name="continuation"/> did not come from this store.</exception>
    ValueTask<IdempotencyRecordPage> ListAsync(IdempotencyRecordStatus? status, DateTimeOffset now, int limit, string? continuation, CancellationToken cancellationToken);
}
