using System.Diagnostics;

namespace Idempotency;

// Every store call is timed and any driver failure becomes IdempotencyStoreUnavailableException:
// a store error is never mistaken for "absent". Cancellation asked for by the caller passes through.
internal sealed partial class IdempotencyEngine
{
    // An in-progress record must outlive its lease: with a TTL shorter than the lease it would expire while the owner
    // still runs, and a second caller would run the operation again.
    private static IdempotencyClaimRequest ClaimRequest(ExecutionScope scope, DateTimeOffset now) =>
        new(scope.StoreKey!, scope.OwnerToken, scope.Fingerprint, now, scope.Policy.Lease, scope.Ttl > scope.Policy.Lease ? scope.Ttl : scope.Policy.Lease);

    private async ValueTask<bool> StoreCallAsync<TState>(string storeOperation, ExecutionScope scope, TState state, Func<IIdempotencyStore, TState, CancellationToken, ValueTask<bool>> call, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            return await call(_store, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            failed = true;
            throw Unavailable(ex, storeOperation, scope);
        }
        finally
        {
            Metrics.StoreCall(storeOperation, _storeName, started, failed);
        }
    }

    private static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not IdempotencyRecordCorruptException && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private IdempotencyStoreUnavailableException Unavailable(Exception exception, string storeOperation, ExecutionScope scope)
    {
        Log.StoreUnavailable(_logger, exception, storeOperation, scope.Operation);
        // One request, one outcome: a claim that fails open is counted as fail_open by the caller, not also here.
        if (storeOperation == "claim" && scope.Policy.StoreFailureMode == StoreFailureMode.FailClosed)
        {
            Metrics.Request(IdempotencyOutcomes.StoreUnavailable, scope.Operation, scope.PolicyName);
        }

        return exception as IdempotencyStoreUnavailableException
            ?? new IdempotencyStoreUnavailableException($"The idempotency store failed during {storeOperation}.", exception);
    }
}
