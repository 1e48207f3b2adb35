namespace Idempotency.Functions;

/// <summary>
/// A function handler made idempotent by a pre-configured policy (<see cref="IIdempotentFunctions.CreateHandler"/>):
/// the same event, however often and however concurrently it is delivered, runs the handler once; every other delivery
/// gets the first run's result. Thread-safe; create once per handler and share.
/// </summary>
/// <typeparam name="TEvent">The event type.</typeparam>
/// <typeparam name="TResult">The result type.</typeparam>
public sealed class IdempotentHandler<TEvent, TResult>
{
    private readonly FunctionRunner _runner;
    private readonly CompiledPolicy _policy;
    private readonly Func<TEvent, CancellationToken, Task<TResult>> _handler;

    internal IdempotentHandler(FunctionRunner runner, CompiledPolicy policy, string operation, Func<TEvent, CancellationToken, Task<TResult>> handler)
    {
        _runner = runner;
        _policy = policy;
        Operation = operation;
        _handler = handler;
    }

    /// <summary>Gets the operation the handler's records are stored under.</summary>
    public string Operation { get; }

    /// <summary>Gets the name of the pre-configured policy.</summary>
    public string PolicyName => _policy.Name;

    /// <summary>Handles one invocation: runs the handler for a new key, or returns the stored result of an earlier run.</summary>
    /// <param name="event">The event.</param>
    /// <param name="remainingTime">The invocation's remaining time (a function context's <c>RemainingTime</c>), or <see langword="null"/>. Read once, first: an exception it throws propagates unchanged, before anything is claimed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="remainingTime"/> returned zero or less: nothing ran.</exception>
    /// <param name="cancellationToken">Cancels the call and is passed to the handler.</param>
    /// <returns>The handler's result, executed or replayed.</returns>
    /// <exception cref="IdempotencyException">The typed outcome that stopped the handler (in progress, key reused, key missing or invalid, store unavailable, …).</exception>
    public async Task<TResult> InvokeAsync(TEvent @event, Func<TimeSpan>? remainingTime, CancellationToken cancellationToken) =>
        (await ExecuteAsync(@event, remainingTime, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Handles one invocation and says how it was answered (executed or replayed, lease lost, result not stored).</summary>
    /// <param name="event">The event.</param>
    /// <param name="remainingTime">The invocation's remaining time, or <see langword="null"/>. Read once, first: an exception it throws propagates unchanged, before anything is claimed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="remainingTime"/> returned zero or less: nothing ran.</exception>
    /// <param name="cancellationToken">Cancels the call and is passed to the handler.</param>
    /// <returns>The result and its outcome.</returns>
    /// <exception cref="IdempotencyException">The typed outcome that stopped the handler.</exception>
    public ValueTask<IdempotencyResult<TResult>> ExecuteAsync(TEvent @event, Func<TimeSpan>? remainingTime, CancellationToken cancellationToken)
    {
        var request = _runner.CreateRequest(_policy, Operation, @event, stringIsJson: true, remainingTime);
        return _runner.RunAsync(request, _policy, ct => _handler(@event, ct), cancellationToken);
    }
}
