namespace Idempotency;

/// <summary>The value of an execution and how it was obtained.</summary>
/// <typeparam name="T">The result type.</typeparam>
/// <param name="Value">The result, executed or replayed.</param>
/// <param name="Outcome">How the execution was answered.</param>
public readonly record struct IdempotencyResult<T>(T Value, IdempotencyOutcome Outcome)
{
    /// <summary>Gets a value indicating whether the value is a replay of an earlier run.</summary>
    public bool IsReplayed => Outcome == IdempotencyOutcome.Replayed;

    /// <summary>Gets a value indicating whether another owner took the key over while this run held it: its result was not stored (fencing).</summary>
    public bool LeaseLost { get; init; }

    /// <summary>
    /// Gets a value indicating whether the run's result is not stored (it could not be serialized, or the store kept
    /// failing until the lease ended). Retries are told instead of replayed when the marker could be written.
    /// </summary>
    public bool ResultNotStored { get; init; }
}

/// <summary>How an execution of an operation without a result was answered.</summary>
/// <param name="Outcome">How the execution was answered.</param>
public readonly record struct IdempotencyResult(IdempotencyOutcome Outcome)
{
    /// <summary>Gets a value indicating whether an earlier run was replayed.</summary>
    public bool IsReplayed => Outcome == IdempotencyOutcome.Replayed;

    /// <summary>Gets a value indicating whether another owner took the key over while this run held it (fencing).</summary>
    public bool LeaseLost { get; init; }

    /// <summary>Gets a value indicating whether the run's completion is not stored (the store kept failing until the lease ended).</summary>
    public bool ResultNotStored { get; init; }
}
