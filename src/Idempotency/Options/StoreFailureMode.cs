namespace Idempotency;

/// <summary>What happens when the store cannot be reached at claim time.</summary>
public enum StoreFailureMode
{
    /// <summary>Throw <see cref="IdempotencyStoreUnavailableException"/> and do not run the operation (HTTP 503).</summary>
    FailClosed = 0,

    /// <summary>Run the operation unprotected, log a warning and count it.</summary>
    FailOpen = 1,
}
