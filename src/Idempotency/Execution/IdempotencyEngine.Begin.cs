using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Idempotency;

internal sealed partial class IdempotencyEngine
{
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(1);

    // Not async itself: every answer that needs no store call (rejections, no key, the local cache) costs no state machine.
    public ValueTask<IdempotencyClaim> BeginAsync(IdempotencyRequest request, CancellationToken cancellationToken)
    {
        var keyProblem = request.KeyProblem ?? (request.Key is null ? null : KeyValidation.Problem(request.Key, _options));
        var plan = Resolve(request, keyProblem);
        var activity = _context.Telemetry.Start(plan);
        if (keyProblem is not null)
        {
            return ValueTask.FromResult(Reject(IdempotencyClaimStatus.KeyInvalid, IdempotencyOutcomes.KeyInvalid, plan, activity, keyProblem));
        }

        if (request.PayloadTooLarge)
        {
            return ValueTask.FromResult(Reject(IdempotencyClaimStatus.PayloadTooLarge, IdempotencyOutcomes.PayloadTooLarge, plan, activity));
        }

        if (plan.StoreKey is null)
        {
            return ValueTask.FromResult(plan.KeyRequirement == KeyRequirement.Required
                ? Reject(IdempotencyClaimStatus.KeyMissing, IdempotencyOutcomes.KeyMissing, plan, activity)
                : Run(IdempotencyClaimStatus.WithoutKey, IdempotencyOutcomes.WithoutKey, plan, activity));
        }

        if (_context.Cache is { } cache && plan.Policy.UseLocalCache && cache.TryGet(plan.StoreKey, _context.Clock.GetUtcNow()) is { } cached)
        {
            return ValueTask.FromResult(Answer(plan, cached, activity, fromLocalCache: true));
        }

        return ClaimAsync(plan, activity, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<IdempotencyClaim> ClaimAsync(ExecutionPlan plan, Activity? activity, CancellationToken cancellationToken)
    {
        var storeKey = plan.StoreKey!;
        var ownerToken = OwnerTokens.Next();
        var deadline = plan.WaitUntil(_context.Clock.GetUtcNow());
        var pollDelay = FirstPollDelay;
        try
        {
            while (true)
            {
                var now = _context.Clock.GetUtcNow();
                IdempotencyClaimResult result;
                var started = Stopwatch.GetTimestamp();
                var failed = false;
                try
                {
                    // The store is called here, not through a helper: one async layer less on every request.
                    result = await _context.Store.Store.ClaimAsync(new(storeKey, ownerToken, plan.Fingerprint, now, plan.LeaseAt(now), plan.ClaimTtl), cancellationToken).ConfigureAwait(false);
                }
                catch (IdempotencyRecordCorruptException ex)
                {
                    return Reject(IdempotencyClaimStatus.RecordCorrupt, IdempotencyOutcomes.Corrupt, plan, activity, ex.Reason);
                }
                catch (Exception ex) when (StoreCalls.IsStoreFailure(ex, cancellationToken))
                {
                    failed = true;
                    var failure = _context.Store.Unavailable(ex, "claim", plan.Name);
                    if (failure is not (IdempotencyStoreFullException or IdempotencyStoreMisconfiguredException))
                    {
                        // The write may have landed before the failure (a response lost on the way back): release it, as
                        // on cancellation, so the next delivery is not answered in-progress for a whole lease. A full or
                        // misconfigured store wrote nothing, and would only fail (and log) again.
                        await ReleaseOrphanAsync(storeKey, ownerToken, plan.Name).ConfigureAwait(false);
                    }

                    return StoreFailed(plan, activity, failure);
                }
                catch (OperationCanceledException)
                {
                    // Cancelled mid-call, the store may still have written the claim: release it (owner-guarded, so
                    // harmless if it did not) rather than leave a key nobody owns blocked for a whole lease.
                    await ReleaseOrphanAsync(storeKey, ownerToken, plan.Name).ConfigureAwait(false);
                    throw;
                }
                finally
                {
                    _context.Store.Timed("claim", started, failed);
                }

                if (result.IsAcquired)
                {
                    var answeredAt = _context.Clock.GetUtcNow();
                    if (answeredAt - now < plan.LeaseAt(now) / 3)
                    {
                        return IdempotencyClaim.Acquired(new AcquiredClaim(_context, plan, storeKey, ownerToken, now, activity), plan, activity);
                    }

                    // The answer came late (a starved process, a slow network): the lease may have lapsed before the work
                    // could start, and another owner may have taken the key over. Confirm the claim by renewing it before
                    // anything runs; refused means it was taken over, so claim again and get that owner's answer.
                    switch (await ConfirmLateClaimAsync(plan, storeKey, ownerToken, answeredAt, cancellationToken).ConfigureAwait(false))
                    {
                        case true:
                            return IdempotencyClaim.Acquired(new AcquiredClaim(_context, plan, storeKey, ownerToken, answeredAt, activity), plan, activity);
                        case false:
                            Log.LateClaimTakenOver(_context.Logger, plan.Name, storeKey);
                            continue;
                        case null:
                            await ReleaseOrphanAsync(storeKey, ownerToken, plan.Name).ConfigureAwait(false);
                            return StoreFailed(plan, activity, new IdempotencyStoreUnavailableException("The store did not confirm a claim whose answer came after a third of its lease."));
                        default:
                            throw new UnreachableException();
                    }
                }

                var existing = result.Existing!;
                if (existing.Status != IdempotencyRecordStatus.InProgress || !string.Equals(existing.Fingerprint, plan.Fingerprint, StringComparison.Ordinal))
                {
                    return Answer(plan, existing, activity, fromLocalCache: false);
                }

                var remaining = deadline - now;
                if (remaining <= TimeSpan.Zero)
                {
                    return Reject(IdempotencyClaim.InProgress(plan, plan.Policy.InProgressRetryAfter, existing.LeaseExpiresAt), IdempotencyOutcomes.InProgress, activity);
                }

                // Claim again rather than read: if the first run released the key, this caller takes it over.
                await Task.Delay(pollDelay < remaining ? pollDelay : remaining, _context.Clock, cancellationToken).ConfigureAwait(false);
                pollDelay = pollDelay * 2 < MaxPollDelay ? pollDelay * 2 : MaxPollDelay;
            }
        }
        catch
        {
            // Only the caller's cancellation gets here: every store outcome above is an answer.
            activity?.Dispose();
            throw;
        }
    }

    // true: still this claim's; false: refused (taken over, or gone); null: the store failed to answer.
    private async ValueTask<bool?> ConfirmLateClaimAsync(ExecutionPlan plan, string storeKey, string ownerToken, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await _context.Store.RenewAsync(storeKey, ownerToken, now, plan.LeaseAt(now), plan.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (IdempotencyStoreUnavailableException)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            await ReleaseOrphanAsync(storeKey, ownerToken, plan.Name).ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask ReleaseOrphanAsync(string storeKey, string ownerToken, string name)
    {
        try
        {
            await _context.Store.ReleaseAsync(storeKey, ownerToken, name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ReleaseFailed(_context.Logger, ex, name, storeKey);
        }
    }

    private IdempotencyClaim StoreFailed(ExecutionPlan plan, Activity? activity, IdempotencyStoreUnavailableException failure)
    {
        if (plan.Policy.StoreFailureMode == StoreFailureMode.FailOpen)
        {
            return Run(IdempotencyClaimStatus.FailedOpen, IdempotencyOutcomes.FailOpen, plan, activity);
        }

        // A bounded store that is full says so apart from an outage: its remedy (size, TTLs) is not the operator's restart.
        var outcome = failure is IdempotencyStoreFullException ? IdempotencyOutcomes.StoreFull : IdempotencyOutcomes.StoreUnavailable;
        return Reject(IdempotencyClaim.Unavailable(plan, failure), outcome, activity);
    }

    // The fingerprint check comes first: a reused key is an error whatever state the record is in.
    private IdempotencyClaim Answer(ExecutionPlan plan, IdempotencyRecord existing, Activity? activity, bool fromLocalCache)
    {
        if (!string.Equals(existing.Fingerprint, plan.Fingerprint, StringComparison.Ordinal))
        {
            return Reject(IdempotencyClaimStatus.KeyReused, IdempotencyOutcomes.KeyReused, plan, activity);
        }

        PayloadKind kind;
        ReadOnlyMemory<byte> body;
        StoredFailure? failure = null;
        try
        {
            (kind, body) = Payload.Decode(plan.StoreKey!, _context.Unprotect(plan.StoreKey!, existing.Payload), _options.MaxResultSize);
            if ((existing.Status == IdempotencyRecordStatus.Failed) != (kind == PayloadKind.Error))
            {
                // A completed record holding an error, or a failed one holding a result, was not written by this engine.
                return Reject(IdempotencyClaimStatus.RecordCorrupt, IdempotencyOutcomes.Corrupt, plan, activity, $"a {existing.Status} record holds a payload of kind {kind}.");
            }

            if (kind == PayloadKind.Error)
            {
                failure = StoredFailure.Deserialize(plan.StoreKey!, body.Span);
            }
        }
        catch (IdempotencyRecordCorruptException ex)
        {
            return Reject(IdempotencyClaimStatus.RecordCorrupt, IdempotencyOutcomes.Corrupt, plan, activity, ex.Reason);
        }

        if (failure is not null)
        {
            return Reject(IdempotencyClaim.PreviouslyFailed(plan, failure, existing.ExpiresAt), IdempotencyOutcomes.PreviouslyFailed, activity);
        }

        if (!fromLocalCache && _context.Cache is { } cache && plan.Policy.UseLocalCache)
        {
            cache.Set(existing);
        }

        if (kind == PayloadKind.NotStored)
        {
            return Reject(IdempotencyClaim.ResultNotStored(plan, Encoding.UTF8.GetString(body.Span), existing.ExpiresAt), IdempotencyOutcomes.ResultNotStored, activity);
        }

        _context.Telemetry.Report(plan, activity, IdempotencyOutcomes.Replayed, fromLocalCache ? "cache" : null);
        return IdempotencyClaim.Replayed(_context, plan, kind, body, activity);
    }

    private IdempotencyClaim Run(IdempotencyClaimStatus status, string outcome, ExecutionPlan plan, Activity? activity)
    {
        _context.Telemetry.Report(plan, activity, outcome);
        return IdempotencyClaim.Unprotected(status, plan, activity);
    }

    private IdempotencyClaim Reject(IdempotencyClaimStatus status, string outcome, ExecutionPlan plan, Activity? activity, string? reason = null) =>
        Reject(IdempotencyClaim.Rejected(status, plan, reason), outcome, activity, reason);

    // A rejection is final: its span ends here, with the outcome on it.
    private IdempotencyClaim Reject(IdempotencyClaim claim, string outcome, Activity? activity, string? detail = null)
    {
        _context.Telemetry.Report(claim.Plan, activity, outcome, detail ?? claim.StoreFailure?.Message);
        activity?.Dispose();
        return claim;
    }
}
