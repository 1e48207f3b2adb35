using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Idempotency.Decorators;

/// <summary>
/// What the decorators generated for <see cref="IdempotentAttribute"/> methods call: the engine's
/// <see cref="IIdempotencyExecutor.ExecuteAsync{T}"/>, returning the value alone, for every shape a method can have.
/// <c>AddIdempotency()</c> registers it; without dependency injection, create one over an executor.
/// </summary>
/// <remarks>
/// A synchronous method (one returning a value or <see langword="void"/>) blocks its caller's thread until the run ends,
/// store calls included: the engine is asynchronous and never resumes on the caller's synchronization context, so the
/// wait cannot deadlock, but it holds a thread for as long as the store takes. When the store answers asynchronously
/// the implementation runs on a thread-pool thread, not on the caller's. Prefer <c>Task</c> or <c>ValueTask</c> methods.
/// </remarks>
public sealed class IdempotentMethodRunner
{
    private readonly IIdempotencyExecutor _executor;
    private readonly JsonSerializerOptions _argumentOptions;

    /// <summary>Initializes a new instance of the <see cref="IdempotentMethodRunner"/> class.</summary>
    /// <param name="executor">The engine.</param>
    /// <param name="options">The engine's options: their <see cref="IdempotencyOptions.JsonSerializerOptions"/> write the arguments that are fingerprinted.</param>
    public IdempotentMethodRunner(IIdempotencyExecutor executor, IdempotencyOptions options)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(options);
        _executor = executor;
        _argumentOptions = options.JsonSerializerOptions ?? DefaultArgumentOptions();
    }

    /// <summary>Starts the JSON object of one call's arguments.</summary>
    /// <returns>The arguments; dispose them after the call.</returns>
    public IdempotentArguments CreateArguments() => new(_argumentOptions);

    /// <summary>Runs <paramref name="work"/> once per key and returns its result, or the stored result of the first run.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="work">Calls the implementation.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>The result, executed or replayed.</returns>
    /// <exception cref="IdempotencyException">One of the typed outcomes (key reused, in progress, key missing, store unavailable, …).</exception>
    public async ValueTask<T> ExecuteAsync<T>(IdempotencyRequest request, Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken) =>
        (await _executor.ExecuteAsync(request, work, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Runs <paramref name="work"/> once per key.</summary>
    /// <param name="request">The request.</param>
    /// <param name="work">Calls the implementation.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>A task that completes when the work ran or an earlier run is replayed.</returns>
    /// <exception cref="IdempotencyException">One of the typed outcomes.</exception>
    public async ValueTask ExecuteAsync(IdempotencyRequest request, Func<CancellationToken, ValueTask> work, CancellationToken cancellationToken) =>
        await _executor.ExecuteAsync(request, work, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs synchronous <paramref name="work"/> once per key, blocking until the run ends (see the remarks of the class).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="work">Calls the implementation.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <returns>The result, executed or replayed.</returns>
    /// <exception cref="IdempotencyException">One of the typed outcomes.</exception>
    public T Execute<T>(IdempotencyRequest request, Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Wait(_executor.ExecuteAsync(request, ct => new ValueTask<T>(work(ct)), cancellationToken)).Value;
    }

    /// <summary>Runs synchronous <paramref name="work"/> once per key, blocking until the run ends (see the remarks of the class).</summary>
    /// <param name="request">The request.</param>
    /// <param name="work">Calls the implementation.</param>
    /// <param name="cancellationToken">Cancels the call and is passed to the work.</param>
    /// <exception cref="IdempotencyException">One of the typed outcomes.</exception>
    public void Execute(IdempotencyRequest request, Action<CancellationToken> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        Wait(_executor.ExecuteAsync(
            request,
            ct =>
            {
                work(ct);
                return ValueTask.CompletedTask;
            },
            cancellationToken));
    }

    // A run that finished without yielding (a replay from the local cache, an in-memory store) costs no task.
    private static TResult Wait<TResult>(ValueTask<TResult> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Apps that trim or use AOT configure IdempotencyOptions.JsonSerializerOptions with a JsonSerializerContext and never reach this default.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above.")]
    private static JsonSerializerOptions DefaultArgumentOptions() => JsonSerializerOptions.Web;
}
