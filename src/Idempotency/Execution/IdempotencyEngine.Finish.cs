namespace Idempotency;

internal sealed partial class IdempotencyEngine
{
    /// <summary>Stores the result; <see langword="false"/> when another owner holds the key (fencing).</summary>
    public async ValueTask<bool> CompleteAsync(IdempotencyClaim claim, ExecutionScope scope, PayloadKind kind, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var payload = Payload.Encode(kind, body.Span, _options.CompressionThreshold);
        var now = TimeProvider.GetUtcNow();
        var stored = await StoreCallAsync(
            "complete",
            scope,
            (scope, payload, now),
            static (store, s, ct) => store.CompleteAsync(s.scope.StoreKey!, s.scope.OwnerToken, s.payload, s.now, s.scope.Ttl, ct),
            cancellationToken).ConfigureAwait(false);
        if (!stored)
        {
            if (claim.MarkLeaseLost())
            {
                ReportLeaseLost(scope);
            }

            claim.RecordDuration(IdempotencyOutcomes.LeaseLost);
            claim.SetActivityOutcome(IdempotencyOutcomes.LeaseLost);
            return false;
        }

        if (_cache is not null && scope.Policy.UseLocalCache)
        {
            _cache.Set(new IdempotencyRecord
            {
                Key = scope.StoreKey!,
                Status = IdempotencyRecordStatus.Completed,
                OwnerToken = scope.OwnerToken,
                Fingerprint = scope.Fingerprint,
                CreatedAt = now,
                LeaseExpiresAt = now,
                ExpiresAt = now + scope.Ttl,
                Payload = payload,
            });
        }

        Log.Executed(_logger, scope.Operation, scope.StoreKey!);
        Metrics.Request(IdempotencyOutcomes.Executed, scope.Operation, scope.PolicyName);
        claim.RecordDuration(IdempotencyOutcomes.Executed);
        claim.SetActivityOutcome(IdempotencyOutcomes.Executed);
        return true;
    }

    public async ValueTask FailOrReleaseAsync(IdempotencyClaim claim, ExecutionScope scope, Exception exception, CancellationToken cancellationToken)
    {
        if (!ShouldRemember(scope, exception))
        {
            await ReleaseQuietlyAsync(scope, cancellationToken).ConfigureAwait(false);
            return;
        }

        var payload = Payload.Encode(PayloadKind.Error, StoredFailure.Serialize(exception), _options.CompressionThreshold);
        try
        {
            var stored = await StoreCallAsync(
                "fail",
                scope,
                (scope, payload, now: TimeProvider.GetUtcNow()),
                static (store, s, ct) => store.FailAsync(s.scope.StoreKey!, s.scope.OwnerToken, s.payload, s.scope.Policy.FailureRetryable, s.now, s.scope.Policy.FailureTtl, ct),
                cancellationToken).ConfigureAwait(false);
            if (stored)
            {
                Log.FailureRecorded(_logger, scope.Operation, scope.StoreKey!, exception.GetType().Name);
            }
            else
            {
                if (claim.MarkLeaseLost())
                {
                    ReportLeaseLost(scope);
                }
            }
        }
        catch (Exception ex)
        {
            // Whatever the store threw (unavailable, corrupt, cancelled), the caller must see the operation's own exception.
            Log.ReleaseFailed(_logger, ex, scope.Operation, scope.StoreKey!);
        }
    }

    public async ValueTask ReleaseQuietlyAsync(ExecutionScope scope, CancellationToken cancellationToken)
    {
        try
        {
            await StoreCallAsync("release", scope, scope, static (store, s, ct) => store.ReleaseAsync(s.StoreKey!, s.OwnerToken, ct), cancellationToken).ConfigureAwait(false);
            Log.Released(_logger, scope.Operation, scope.StoreKey!);
        }
        catch (Exception ex)
        {
            // Never hides the operation's exception, whatever the store threw.
            Log.ReleaseFailed(_logger, ex, scope.Operation, scope.StoreKey!);
        }
    }

    // A throwing predicate is a bug in the app's policy: log it and fall back to the default (release), keeping the original exception.
    private bool ShouldRemember(ExecutionScope scope, Exception exception)
    {
        try
        {
            return scope.Policy.RememberFailure?.Invoke(exception) == true;
        }
        catch (Exception ex)
        {
            Log.RememberFailurePredicateFailed(_logger, ex, scope.Operation);
            return false;
        }
    }

    /// <summary>Logs and counts a lost lease; called once per claim, by whichever of renewal and completion sees it first.</summary>
    public void ReportLeaseLost(ExecutionScope scope)
    {
        Log.LeaseLost(_logger, scope.Operation, scope.StoreKey!);
        Metrics.Request(IdempotencyOutcomes.LeaseLost, scope.Operation, scope.PolicyName);
    }

    /// <summary>One heartbeat; <see langword="false"/> only when another owner holds the key (the claim reports it). Store failures are logged and retried at the next tick.</summary>
    public async ValueTask<bool> RenewAsync(ExecutionScope scope)
    {
        try
        {
            var renewed = await StoreCallAsync(
                "renew",
                scope,
                (scope, now: TimeProvider.GetUtcNow()),
                static (store, s, ct) => store.RenewAsync(s.scope.StoreKey!, s.scope.OwnerToken, s.now, s.scope.Policy.Lease, ct),
                CancellationToken.None).ConfigureAwait(false);
            return renewed;
        }
        catch (IdempotencyStoreUnavailableException ex)
        {
            Log.RenewalFailed(_logger, ex, scope.StoreKey!);
            return true;
        }
    }

    public T DeserializeReplay<T>(string storeKey, ReadOnlySpan<byte> body)
    {
        try
        {
            return Serializer.Deserialize<T>(body);
        }
        catch (Exception ex) when (ex is not IdempotencyException)
        {
            Log.CorruptRecord(_logger, storeKey, ex.Message);
            throw new IdempotencyRecordCorruptException(storeKey, $"the stored value cannot be read as {typeof(T).Name}.", ex);
        }
    }

    /// <summary>
    /// Stores the result for <c>ExecuteAsync</c>, which has already run the work and so never throws here: a lost lease is
    /// logged and counted; a store failure is logged, then the key is marked failed (when the store takes that) so a
    /// retry is told rather than silently running the work again.
    /// </summary>
    public async ValueTask CompleteAfterRunAsync(IdempotencyClaim claim, ExecutionScope scope, PayloadKind kind, ReadOnlyMemory<byte> body)
    {
        try
        {
            await CompleteAsync(claim, scope, kind, body, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IdempotencyStoreUnavailableException ex)
        {
            await ResultNotStoredAsync(claim, scope, ex).ConfigureAwait(false);
        }
    }

    /// <summary>The work ran but its result could not be stored or serialized: mark the key failed, never throw.</summary>
    public async ValueTask ResultNotStoredAsync(IdempotencyClaim claim, ExecutionScope scope, Exception failure)
    {
        Log.CompletionFailed(_logger, failure, scope.Operation, scope.StoreKey!);
        await FailOrReleaseAsync(claim, scope with { Policy = ResultNotStoredPolicy(scope) }, new IdempotencyResultNotStoredException(failure), CancellationToken.None).ConfigureAwait(false);
    }

    // The marker lives as long as the result would have: a retry within the key's TTL must not run the work again.
    private static IdempotencyPolicy ResultNotStoredPolicy(ExecutionScope scope)
    {
        var remember = scope.Policy.Clone();
        remember.RememberFailure = static _ => true;
        remember.FailureRetryable = false;
        remember.FailureTtl = scope.Ttl;
        return remember;
    }
}
