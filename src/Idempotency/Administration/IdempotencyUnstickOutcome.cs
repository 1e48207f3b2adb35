namespace Idempotency;

/// <summary>What <see cref="IIdempotencyAdministrator.UnstickAsync"/> did.</summary>
public enum IdempotencyUnstickOutcome
{
    /// <summary>The in-progress record was released: the next call with the key runs the operation.</summary>
    Released = 0,

    /// <summary>No live record under the key.</summary>
    NotFound = 1,

    /// <summary>The record is not in progress (completed or failed): nothing to unstick; delete it instead if it must go.</summary>
    NotInProgress = 2,

    /// <summary>The owner's lease is still live, and the call was not forced: the owner may be running.</summary>
    LeaseLive = 3,

    /// <summary>The record changed between the read and the release (its owner completed it, or another claim took it over).</summary>
    Changed = 4,
}
