namespace Idempotency;

/// <summary>What became of an <see cref="IIdempotencyTransaction"/>.</summary>
public enum IdempotencyTransactionState
{
    /// <summary>Open, and no claim joined it (yet): a replay, a rejection or a run without a key leaves it so.</summary>
    Open,

    /// <summary>A claim joined it and has not completed: the work is running, or it ended without a result (threw, was released); disposing rolls back.</summary>
    Joined,

    /// <summary>Committed: the record (when a claim joined) and the work's writes are durable together.</summary>
    Committed,

    /// <summary>A statement or the commit failed: nothing of it is kept (see <see cref="IIdempotencyTransaction.Failure"/>); the key is free for a retry.</summary>
    Failed,
}
