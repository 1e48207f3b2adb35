namespace Idempotency;

/// <summary>The value of an execution and how it was obtained.</summary>
/// <typeparam name="T">The result type.</typeparam>
/// <param name="Value">The result, executed or replayed.</param>
/// <param name="Outcome">How the execution was answered.</param>
public readonly record struct IdempotencyResult<T>(T Value, IdempotencyOutcome Outcome)
{
    /// <summary>Gets a value indicating whether the value is a replay of an earlier run.</summary>
    public bool IsReplay => Outcome == IdempotencyOutcome.Replayed;
}

/// <summary>How an execution of an operation without a result was answered.</summary>
/// <param name="Outcome">How the execution was answered.</param>
public readonly record struct IdempotencyResult(IdempotencyOutcome Outcome)
{
    /// <summary>Gets a value indicating whether an earlier run was replayed.</summary>
    public bool IsReplay => Outcome == IdempotencyOutcome.Replayed;
}
