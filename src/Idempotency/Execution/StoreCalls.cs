using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Idempotency;

/// <summary>
/// Every store call, timed, with any driver failure turned into <see cref="IdempotencyStoreUnavailableException"/>:
/// a store error is never mistaken for "absent". A corrupt record, a payload the store
/// cannot hold and cancellation asked for by the caller pass through.
/// </summary>
internal sealed class StoreCalls(IIdempotencyStore store, IdempotencyMetrics metrics, ILogger logger, TimeProvider clock)
{
    private readonly LogThrottle _misconfiguredLog = new(clock, IdempotencyDefaults.StoreMisconfiguredLogInterval);

    public string Name { get; } = store.GetType().Name;

    /// <summary>Gets the store itself, for the two hot calls (claim, complete) that their callers time inline to save an async layer.</summary>
    public IIdempotencyStore Store => store;

    /// <summary>Records one store call's duration.</summary>
    public void Timed(string storeOperation, long startedTimestamp, bool failed) => metrics.StoreCall(storeOperation, Name, startedTimestamp, failed);

    public ValueTask<bool> FailAsync(string key, string ownerToken, byte[] payload, bool retryable, DateTimeOffset now, TimeSpan ttl, string operation, CancellationToken cancellationToken) =>
        CallAsync("fail", operation, (key, ownerToken, payload, retryable, now, ttl), static (s, x, ct) => s.FailAsync(x.key, x.ownerToken, x.payload, x.retryable, x.now, x.ttl, ct), cancellationToken);

    public ValueTask<bool> ReleaseAsync(string key, string ownerToken, string operation, CancellationToken cancellationToken) =>
        CallAsync("release", operation, (key, ownerToken), static (s, x, ct) => s.ReleaseAsync(x.key, x.ownerToken, ct), cancellationToken);

    public ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, string operation, CancellationToken cancellationToken) =>
        CallAsync("renew", operation, (key, ownerToken, now, lease), static (s, x, ct) => s.RenewAsync(x.key, x.ownerToken, x.now, x.lease, ct), cancellationToken);

    public ValueTask<IdempotencyRecord?> GetAsync(string key, DateTimeOffset now, string operation, CancellationToken cancellationToken) =>
        CallAsync("get", operation, (key, now), static (s, x, ct) => s.GetAsync(x.key, x.now, ct), cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TResult> CallAsync<TState, TResult>(string storeOperation, string operation, TState state, Func<IIdempotencyStore, TState, CancellationToken, ValueTask<TResult>> call, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            return await call(store, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            failed = true;
            throw Unavailable(ex, storeOperation, operation);
        }
        finally
        {
            metrics.StoreCall(storeOperation, Name, started, failed);
        }
    }

    // A payload the store cannot hold is an answer about the payload, not an outage: it passes through for the claim to handle.
    public static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not (IdempotencyRecordCorruptException or IdempotencyStorePayloadTooLargeException) && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    public IdempotencyStoreUnavailableException Unavailable(Exception exception, string storeOperation, string operation)
    {
        switch (exception)
        {
            case IdempotencyStoreFullException:
                // A full store is not an outage: the engine reports it once, as StoreFull, without a stack trace.
                break;
            case IdempotencyStoreMisconfiguredException misconfigured:
                // Every call fails the same way until the set-up is fixed: the message says how, a stack trace would not.
                if (_misconfiguredLog.ShouldLog())
                {
                    Log.StoreMisconfigured(logger, misconfigured.Message);
                }

                break;
            default:
                Log.StoreUnavailable(logger, exception, storeOperation, operation);
                break;
        }

        return exception as IdempotencyStoreUnavailableException
            ?? new IdempotencyStoreUnavailableException($"The idempotency store failed during {storeOperation}.", exception);
    }
}
