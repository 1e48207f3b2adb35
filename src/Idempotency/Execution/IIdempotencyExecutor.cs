namespace Idempotency;

/// <summary>Runs operations exactly once in effect per key.</summary>
public interface IIdempotencyExecutor
{
    /// <summary>
    /// Claims the key for a manual flow: the returned claim is either acquired (run the work, then complete, fail or
    /// release it), a replay of a stored result, or unprotected (no key, or fail-open). Disposing an acquired claim that
    /// was not completed releases it.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claim.</returns>
    /// <exception cref="IdempotencyException">One of the typed outcomes (missing, invalid or reused key, in progress, previously failed, store unavailable, corrupt record; a transaction the run joined that did not commit).</exception>
    ValueTask<IdempotencyClaim> BeginAsync(IdempotencyRequest request, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="operation"/> once per key and replays its result to every later call.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="operation">The work.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>The result and whether it was replayed.</returns>
    ValueTask<IdempotencyResult<T>> ExecuteAsync<T>(IdempotencyRequest request, Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="operation"/> once per key.</summary>
    /// <param name="request">The request.</param>
    /// <param name="operation">The work.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>Whether the run was replayed.</returns>
    ValueTask<IdempotencyResult> ExecuteAsync(IdempotencyRequest request, Func<CancellationToken, ValueTask> operation, CancellationToken cancellationToken);
}
