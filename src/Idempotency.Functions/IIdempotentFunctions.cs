namespace Idempotency.Functions;

/// <summary>
/// Makes function handlers, and functions of one argument, idempotent with the pre-configured policies of
/// <see cref="IdempotentFunctionOptions"/>. Every method takes the invocation's remaining time (what a function runtime's
/// context reports): the claim's lease never outlasts it, so an invocation that times out leaves a key the retry takes at once.
/// </summary>
public interface IIdempotentFunctions
{
    /// <summary>Wraps a handler: its events are keyed and fingerprinted by the policy's expressions, and it runs once per key.</summary>
    /// <typeparam name="TEvent">
    /// The event: a typed event (serialized with <see cref="IdempotentFunctionOptions.EventSerializerOptions"/>), a
    /// <see cref="System.Text.Json.JsonElement"/>, or the raw event: JSON text (<c>string</c>) or UTF-8 JSON (<c>byte[]</c>, <see cref="ReadOnlyMemory{T}"/>).
    /// </typeparam>
    /// <typeparam name="TResult">The result, replayed exactly (null, 0, false, "" and empty collections included).</typeparam>
    /// <param name="policyName">The pre-configured policy.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="operation">The operation its records are stored under; the policy's when <see langword="null"/>.</param>
    /// <returns>The idempotent handler; create it once and share it.</returns>
    /// <exception cref="ArgumentException">No policy has that name, or the operation is not a valid store key segment.</exception>
    IdempotentHandler<TEvent, TResult> CreateHandler<TEvent, TResult>(string policyName, Func<TEvent, CancellationToken, Task<TResult>> handler, string? operation = null);

    /// <summary>
    /// Runs <paramref name="work"/> once per key selected from <paramref name="data"/>, the one argument that makes the
    /// call unique (the policy's expressions select from it; <c>@</c> takes it whole), and replays its result to every later call.
    /// </summary>
    /// <typeparam name="TData">The argument's type; a string is a value (select it with <c>@</c>), not JSON text.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="policyName">The pre-configured policy.</param>
    /// <param name="data">The argument the key (and fingerprint) come from.</param>
    /// <param name="work">The work, given the cancellation token.</param>
    /// <param name="remainingTime">The invocation's remaining time, or <see langword="null"/> outside a function. Read once, first: an exception it throws propagates unchanged, before anything is claimed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="remainingTime"/> returned zero or less: nothing ran.</exception>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>The result and whether it was replayed.</returns>
    /// <exception cref="IdempotencyException">The typed outcome that stopped the work (in progress, key reused, key missing or invalid, store unavailable, …).</exception>
    ValueTask<IdempotencyResult<TResult>> RunAsync<TData, TResult>(string policyName, TData data, Func<CancellationToken, Task<TResult>> work, Func<TimeSpan>? remainingTime, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the key selected from <paramref name="data"/> for a manual flow: a replay (return
    /// <see cref="IdempotencyClaim.GetReplayedValue{T}"/>) or an acquired claim (do the work, then
    /// <see cref="IdempotencyClaim.CompleteAsync{T}(T, CancellationToken)"/>). Outcomes are values: switch on <see cref="IdempotencyClaim.Status"/>.
    /// Dispose the claim; an acquired claim disposed without a result is released so a retry runs again.
    /// </summary>
    /// <typeparam name="TData">The type of what the key is selected from; a string is a value (select it with <c>@</c>), not JSON text.</typeparam>
    /// <param name="policyName">The pre-configured policy.</param>
    /// <param name="data">What the key (and fingerprint) come from.</param>
    /// <param name="remainingTime">The invocation's remaining time, or <see langword="null"/>. Read once, first: an exception it throws propagates unchanged, before anything is claimed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="remainingTime"/> returned zero or less: nothing ran.</exception>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claim.</returns>
    ValueTask<IdempotencyClaim> BeginAsync<TData>(string policyName, TData data, Func<TimeSpan>? remainingTime, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the engine request these methods use (key, fingerprint, engine policy, lease deadline), for a call to
    /// <see cref="IIdempotencyExecutor"/> directly. A payload the expressions cannot read gives a request whose
    /// <see cref="IdempotencyRequest.KeyProblem"/> says why, so the engine answers <see cref="IdempotencyClaimStatus.KeyInvalid"/>.
    /// </summary>
    /// <typeparam name="TData">The type of what the key is selected from; a string is a value (select it with <c>@</c>), not JSON text.</typeparam>
    /// <param name="policyName">The pre-configured policy.</param>
    /// <param name="data">What the key (and fingerprint) come from.</param>
    /// <param name="remainingTime">The invocation's remaining time, or <see langword="null"/>. Read once, first: an exception it throws propagates unchanged, before anything is claimed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="remainingTime"/> returned zero or less: nothing ran.</exception>
    /// <returns>The request.</returns>
    IdempotencyRequest CreateRequest<TData>(string policyName, TData data, Func<TimeSpan>? remainingTime);
}
