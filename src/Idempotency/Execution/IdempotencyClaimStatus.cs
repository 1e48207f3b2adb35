namespace Idempotency;

/// <summary>The state of an <see cref="IdempotencyClaim"/>.</summary>
public enum IdempotencyClaimStatus
{
    /// <summary>This caller owns the key: run the work and complete, fail or release the claim.</summary>
    Acquired = 0,

    /// <summary>An earlier run completed: read its result, do not run the work.</summary>
    Replay = 1,

    /// <summary>No store protects this run (no key with an optional policy, or fail-open): run the work, nothing is stored.</summary>
    Unprotected = 2,
}
