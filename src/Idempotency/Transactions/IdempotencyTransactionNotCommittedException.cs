namespace Idempotency;

/// <summary>
/// The database transaction a run joined (<see cref="IIdempotencyTransaction"/>) did not commit: a deferred constraint,
/// a lost connection, a full disk. Nothing of the run was kept — neither the work's writes nor the idempotency record —
/// so the key is free and a retry runs the work again (HTTP 503, like every <see cref="IdempotencyStoreUnavailableException"/>).
/// </summary>
/// <remarks>
/// A store throws it from <see cref="IIdempotencyStore.CompleteAsync"/> when the completion it wrote in the transaction
/// could not commit; the engine then answers <see cref="IdempotencyCompletion.NotCommitted"/> (counted <c>not_committed</c>)
/// and never retries that write. <see cref="Exception.InnerException"/> is the database's error.
/// </remarks>
public sealed class IdempotencyTransactionNotCommittedException : IdempotencyStoreUnavailableException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyTransactionNotCommittedException"/> class.</summary>
    /// <param name="reason">The database's error (its message is quoted), when there is one.</param>
    public IdempotencyTransactionNotCommittedException(Exception? reason)
        : base(
            "The idempotency transaction did not commit, so neither the work's writes nor its record were kept; retry with the same key." +
            (reason is null ? string.Empty : $" ({reason.Message})"),
            reason)
    {
    }
}
