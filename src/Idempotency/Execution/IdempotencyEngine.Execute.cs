using System.Runtime.CompilerServices;

namespace Idempotency;

// The convenience overloads: the one place outcomes that stop the work become the typed exceptions.
internal sealed partial class IdempotencyEngine
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<IdempotencyResult<T>> ExecuteAsync<T>(IdempotencyRequest request, Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var claim = await BeginAsync(request, cancellationToken).ConfigureAwait(false);
        await using (claim.ConfigureAwait(false))
        {
            if (claim.Status == IdempotencyClaimStatus.Replayed)
            {
                return new IdempotencyResult<T>(claim.GetReplayedValue<T>(), IdempotencyOutcome.Replayed);
            }

            var outcome = RunOutcome(claim);
            if (claim.Status == IdempotencyClaimStatus.Acquired && _context.Serializer is JsonIdempotencySerializer json)
            {
                // A type the configured JsonSerializerContext does not know fails here, before the work runs, not after.
                json.EnsureSupported<T>();
            }

            T value;
            try
            {
                value = await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await claim.FailAsync(ex, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            // The work has run: its completion is not the caller's to cancel, and it never throws for a store failure.
            var completion = await claim.CompleteAsync(value, CancellationToken.None).ConfigureAwait(false);
            ThrowIfNotCommitted(claim, completion);
            return new IdempotencyResult<T>(value, outcome) { LeaseLost = completion == IdempotencyCompletion.LeaseLost, ResultNotStored = completion == IdempotencyCompletion.NotStored };
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<IdempotencyResult> ExecuteAsync(IdempotencyRequest request, Func<CancellationToken, ValueTask> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var claim = await BeginAsync(request, cancellationToken).ConfigureAwait(false);
        await using (claim.ConfigureAwait(false))
        {
            if (claim.Status == IdempotencyClaimStatus.Replayed)
            {
                return new IdempotencyResult(IdempotencyOutcome.Replayed);
            }

            var outcome = RunOutcome(claim);
            try
            {
                await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await claim.FailAsync(ex, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            var completion = await claim.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            ThrowIfNotCommitted(claim, completion);
            return new IdempotencyResult(outcome) { LeaseLost = completion == IdempotencyCompletion.LeaseLost, ResultNotStored = completion == IdempotencyCompletion.NotStored };
        }
    }

    /// <summary>A run whose transaction did not commit took no effect: the caller must learn it, as from any store failure.</summary>
    private static void ThrowIfNotCommitted(IdempotencyClaim claim, IdempotencyCompletion completion)
    {
        if (completion == IdempotencyCompletion.NotCommitted)
        {
            throw claim.StoreFailure!;
        }
    }

    /// <summary>How a claim that lets the work run is reported; every other status is thrown as its typed exception.</summary>
    private static IdempotencyOutcome RunOutcome(IdempotencyClaim claim) => claim.Status switch
    {
        IdempotencyClaimStatus.Acquired => IdempotencyOutcome.Executed,
        IdempotencyClaimStatus.WithoutKey => IdempotencyOutcome.ExecutedWithoutKey,
        IdempotencyClaimStatus.FailedOpen => IdempotencyOutcome.ExecutedUnprotected,
        _ => throw claim.CreateException()!,
    };
}
