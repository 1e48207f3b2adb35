using System.Diagnostics;

namespace Idempotency;

internal sealed partial class IdempotencyEngine
{
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(1);

    // Not async itself: when the store answers synchronously (in-memory, local cache) no extra state machine is built,
    // and when it does not, only BeginCoreAsync's.
    public ValueTask<IdempotencyClaim> BeginAsync(IdempotencyRequest request, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(request.Key) && KeyValidation.Problem(request.Key, _options) is { } problem)
        {
            Log.KeyInvalid(_logger, request.Operation, problem);
            Metrics.Request(IdempotencyOutcomes.KeyInvalid, request.Operation, request.Policy ?? IdempotencyDefaults.DefaultPolicyName);
            throw new IdempotencyKeyInvalidException(problem);
        }

        var scope = Resolve(request);
        var activity = StartActivity(scope);
        var pending = BeginCoreAsync(scope, activity, cancellationToken);
        return pending.IsCompletedSuccessfully ? pending : EndActivityOnFailureAsync(pending, activity);
    }

    private static async ValueTask<IdempotencyClaim> EndActivityOnFailureAsync(ValueTask<IdempotencyClaim> pending, Activity? activity)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activity?.SetTag(IdempotencyTelemetry.OutcomeTag, OutcomeOf(ex));
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity?.Dispose();
            throw;
        }
    }

    private async ValueTask<IdempotencyClaim> BeginCoreAsync(ExecutionScope scope, Activity? activity, CancellationToken cancellationToken)
    {
        if (scope.StoreKey is null)
        {
            return WithoutKey(scope, activity);
        }

        if (_cache is not null && scope.Policy.UseLocalCache && _cache.TryGet(scope.StoreKey, TimeProvider.GetUtcNow()) is { } cached)
        {
            return Answer(scope, cached, activity, fromLocalCache: true);
        }

        var deadline = TimeProvider.GetUtcNow() + scope.Policy.InProgressWait;
        var pollDelay = FirstPollDelay;
        while (true)
        {
            var now = TimeProvider.GetUtcNow();
            IdempotencyClaimResult result;
            var started = Stopwatch.GetTimestamp();
            var failed = false;
            try
            {
                // Inlined rather than a helper: one async layer less per request when the store is really asynchronous.
                result = await _store.ClaimAsync(ClaimRequest(scope, now), cancellationToken).ConfigureAwait(false);
            }
            catch (IdempotencyRecordCorruptException ex)
            {
                Log.CorruptRecord(_logger, scope.StoreKey, ex.Reason);
                Metrics.Request(IdempotencyOutcomes.Corrupt, scope.Operation, scope.PolicyName);
                throw;
            }
            catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
            {
                failed = true;
                var unavailable = Unavailable(ex, "claim", scope);
                if (scope.Policy.StoreFailureMode != StoreFailureMode.FailOpen)
                {
                    throw unavailable;
                }
                Log.FailOpen(_logger, scope.Operation);
                return Finish(IdempotencyClaim.Unprotected(scope, IdempotencyOutcome.ExecutedUnprotected, activity), scope, IdempotencyOutcomes.FailOpen);
            }
            finally
            {
                Metrics.StoreCall("claim", _storeName, started, failed);
            }

            if (result.IsAcquired)
            {
                return IdempotencyClaim.Acquired(this, scope, activity);
            }

            var existing = result.Existing!;
            if (existing.Status != IdempotencyRecordStatus.InProgress || !string.Equals(existing.Fingerprint, scope.Fingerprint, StringComparison.Ordinal))
            {
                return Answer(scope, existing, activity, fromLocalCache: false);
            }

            var remaining = deadline - now;
            if (remaining <= TimeSpan.Zero)
            {
                Log.InProgress(_logger, scope.Operation, scope.StoreKey);
                Metrics.Request(IdempotencyOutcomes.InProgress, scope.Operation, scope.PolicyName);
                throw new IdempotencyRequestInProgressException(scope.StoreKey, scope.Policy.InProgressRetryAfter, existing.LeaseExpiresAt);
            }

            // Claim again rather than read: if the first run released the key, this caller takes it over.
            await Task.Delay(pollDelay < remaining ? pollDelay : remaining, TimeProvider, cancellationToken).ConfigureAwait(false);
            pollDelay = pollDelay * 2 < MaxPollDelay ? pollDelay * 2 : MaxPollDelay;
        }
    }

    private IdempotencyClaim WithoutKey(ExecutionScope scope, Activity? activity)
    {
        if (scope.Policy.KeyRequirement == KeyRequirement.Required)
        {
            Log.KeyMissing(_logger, scope.Operation, "rejected");
            Metrics.Request(IdempotencyOutcomes.KeyMissing, scope.Operation, scope.PolicyName);
            throw new IdempotencyKeyMissingException(scope.Operation);
        }

        Log.KeyMissing(_logger, scope.Operation, "running without idempotency");
        return Finish(IdempotencyClaim.Unprotected(scope, IdempotencyOutcome.ExecutedWithoutKey, activity), scope, IdempotencyOutcomes.WithoutKey);
    }

    // The fingerprint check comes first: a reused key is an error whatever state the record is in.
    private IdempotencyClaim Answer(ExecutionScope scope, IdempotencyRecord existing, Activity? activity, bool fromLocalCache)
    {
        var storeKey = scope.StoreKey!;
        if (!string.Equals(existing.Fingerprint, scope.Fingerprint, StringComparison.Ordinal))
        {
            Log.KeyReused(_logger, scope.Operation, storeKey);
            Metrics.Request(IdempotencyOutcomes.KeyReused, scope.Operation, scope.PolicyName);
            throw new IdempotencyKeyReusedException(storeKey);
        }

        var (kind, body) = DecodeOrThrow(scope, existing.Payload);
        if ((existing.Status == IdempotencyRecordStatus.Failed) != (kind == PayloadKind.Error))
        {
            // A completed record holding an error, or a failed one holding a result, was not written by this engine.
            Log.CorruptRecord(_logger, storeKey, "the payload kind does not match the record status");
            Metrics.Request(IdempotencyOutcomes.Corrupt, scope.Operation, scope.PolicyName);
            throw new IdempotencyRecordCorruptException(storeKey, $"a {existing.Status} record holds a payload of kind {kind}.");
        }

        if (existing.Status == IdempotencyRecordStatus.Failed)
        {
            var failure = StoredFailure.Deserialize(storeKey, body.Span);
            Log.PreviouslyFailed(_logger, scope.Operation, storeKey);
            Metrics.Request(IdempotencyOutcomes.PreviouslyFailed, scope.Operation, scope.PolicyName);
            throw new IdempotencyPreviouslyFailedException(storeKey, failure.Type, failure.Message, existing.ExpiresAt);
        }

        if (!fromLocalCache && _cache is not null && scope.Policy.UseLocalCache)
        {
            _cache.Set(existing);
        }

        Log.Replayed(_logger, scope.Operation, storeKey, fromLocalCache);
        return Finish(IdempotencyClaim.Replayed(this, scope, kind, body, activity), scope, IdempotencyOutcomes.Replayed);
    }

    private (PayloadKind Kind, ReadOnlyMemory<byte> Body) DecodeOrThrow(ExecutionScope scope, ReadOnlyMemory<byte> payload)
    {
        try
        {
            return Payload.Decode(scope.StoreKey!, payload);
        }
        catch (IdempotencyRecordCorruptException ex)
        {
            Log.CorruptRecord(_logger, scope.StoreKey!, ex.Reason);
            Metrics.Request(IdempotencyOutcomes.Corrupt, scope.Operation, scope.PolicyName);
            throw;
        }
    }

    // The span of a rejected request carries the same outcome as the requests counter.
    private static string? OutcomeOf(Exception exception) => exception switch
    {
        IdempotencyKeyReusedException => IdempotencyOutcomes.KeyReused,
        IdempotencyRequestInProgressException => IdempotencyOutcomes.InProgress,
        IdempotencyKeyMissingException => IdempotencyOutcomes.KeyMissing,
        IdempotencyStoreUnavailableException => IdempotencyOutcomes.StoreUnavailable,
        IdempotencyPreviouslyFailedException => IdempotencyOutcomes.PreviouslyFailed,
        IdempotencyRecordCorruptException => IdempotencyOutcomes.Corrupt,
        _ => null,
    };

    private IdempotencyClaim Finish(IdempotencyClaim claim, ExecutionScope scope, string outcome)
    {
        Metrics.Request(outcome, scope.Operation, scope.PolicyName);
        claim.SetActivityOutcome(outcome);
        return claim;
    }

    private Activity? StartActivity(ExecutionScope scope)
    {
        var activity = IdempotencyTelemetry.ActivitySource.StartActivity(IdempotencyTelemetry.ExecuteActivityName);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(IdempotencyTelemetry.OperationTag, scope.Operation);
            activity.SetTag(IdempotencyTelemetry.PolicyTag, scope.PolicyName);
            activity.SetTag(IdempotencyTelemetry.StoreTag, _storeName);
        }

        return activity;
    }
}
