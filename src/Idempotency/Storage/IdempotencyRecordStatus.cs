namespace Idempotency;

/// <summary>The state of an idempotency record.</summary>
public enum IdempotencyRecordStatus
{
    /// <summary>An owner has claimed the key and is running the operation.</summary>
    InProgress = 0,

    /// <summary>The operation finished; the record holds its result for replay.</summary>
    Completed = 1,

    /// <summary>The operation failed and the policy chose to remember the failure.</summary>
    Failed = 2,
}
