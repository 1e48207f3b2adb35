namespace Idempotency;

/// <summary>How an execution was answered.</summary>
public enum IdempotencyOutcome
{
    /// <summary>The operation ran under a claim.</summary>
    Executed = 0,

    /// <summary>The stored result of an earlier run was returned; the operation did not run.</summary>
    Replayed = 1,

    /// <summary>No key was given and the policy makes keys optional: the operation ran without any store call.</summary>
    ExecutedWithoutKey = 2,

    /// <summary>The store was unavailable and the policy fails open: the operation ran unprotected.</summary>
    ExecutedUnprotected = 3,
}
