namespace Idempotency;

/// <summary>What became of a claim's result when it was completed.</summary>
public enum IdempotencyCompletion
{
    /// <summary>The result is stored: every retry replays it.</summary>
    Stored = 0,

    /// <summary>Another owner took the key over (the lease ended); nothing was written (fencing).</summary>
    LeaseLost = 1,

    /// <summary>
    /// The work ran but its result is not stored (it could not be serialized, the integration marked it, or the store kept
    /// failing until the lease ended). Retries are told <see cref="IdempotencyClaimStatus.ResultNotStored"/> when the
    /// marker could be written.
    /// </summary>
    NotStored = 2,

    /// <summary>The claim ran without a store (<see cref="IdempotencyClaimStatus.WithoutKey"/> or <see cref="IdempotencyClaimStatus.FailedOpen"/>): nothing to store.</summary>
    Unprotected = 3,

    /// <summary>
    /// The claim joined a database transaction (<see cref="IIdempotencyTransaction"/>) that did not commit: neither the
    /// work's writes nor the result were kept, and the key is free, so a retry runs again. The reason is
    /// <see cref="IdempotencyClaim.StoreFailure"/> (an <see cref="IdempotencyTransactionNotCommittedException"/>).
    /// </summary>
    NotCommitted = 4,
}
