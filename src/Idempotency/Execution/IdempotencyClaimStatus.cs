namespace Idempotency;

/// <summary>
/// How <see cref="IIdempotencyExecutor.BeginAsync"/> answered: every outcome is a value, none is thrown. Only
/// <see cref="Acquired"/>, <see cref="WithoutKey"/> and <see cref="FailedOpen"/> let the work run.
/// </summary>
public enum IdempotencyClaimStatus
{
    /// <summary>This caller owns the key: run the work, then complete, fail or release the claim.</summary>
    Acquired = 0,

    /// <summary>An earlier run completed: read its result, do not run the work.</summary>
    Replayed = 1,

    /// <summary>No key was given and keys are optional: run the work; nothing is stored.</summary>
    WithoutKey = 2,

    /// <summary>The store failed and the policy fails open: run the work unprotected; nothing is stored.</summary>
    FailedOpen = 3,

    /// <summary>Another caller holds the key and is still running (see <see cref="IdempotencyClaim.RetryAfter"/>).</summary>
    InProgress = 4,

    /// <summary>The key was used before with a different fingerprint: a different request under the same key.</summary>
    KeyReused = 5,

    /// <summary>An earlier run failed and the policy remembered it (see <see cref="IdempotencyClaim.ErrorType"/>).</summary>
    PreviouslyFailed = 6,

    /// <summary>An earlier run completed but its result could not be stored (see <see cref="IdempotencyClaim.Reason"/>); it is not run again.</summary>
    ResultNotStored = 7,

    /// <summary>No key was given and the request requires one.</summary>
    KeyMissing = 8,

    /// <summary>The key is malformed (see <see cref="IdempotencyClaim.Reason"/>).</summary>
    KeyInvalid = 9,

    /// <summary>The payload is too large to fingerprint, as reported by the integration.</summary>
    PayloadTooLarge = 10,

    /// <summary>The store failed (or is full) and the policy fails closed: nothing ran (see <see cref="IdempotencyClaim.StoreFailure"/>).</summary>
    StoreUnavailable = 11,

    /// <summary>The stored record cannot be read (see <see cref="IdempotencyClaim.Reason"/>): nothing ran.</summary>
    RecordCorrupt = 12,
}
