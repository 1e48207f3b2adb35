using System.Buffers;

namespace Idempotency;

internal sealed partial class IdempotencyEngine
{
    public async ValueTask<IdempotencyResult<T>> ExecuteAsync<T>(IdempotencyRequest request, Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var claim = await BeginAsync(request, cancellationToken).ConfigureAwait(false);
        await using (claim.ConfigureAwait(false))
        {
            if (claim.Status == IdempotencyClaimStatus.Replay)
            {
                return new IdempotencyResult<T>(claim.GetReplayValue<T>(), IdempotencyOutcome.Replayed);
            }

            if (claim.Status == IdempotencyClaimStatus.Acquired && Serializer is JsonIdempotencySerializer json)
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

            if (claim.Status == IdempotencyClaimStatus.Acquired)
            {
                var buffer = new ArrayBufferWriter<byte>();
                Exception? serializationFailure = null;
                try
                {
                    Serializer.Serialize(buffer, value);
                }
                catch (Exception ex)
                {
                    serializationFailure = ex;
                }

                // The work has run: a result that cannot be serialized is handled like one the store refused, so the
                // caller still gets it and a retry is told rather than running the work again.
                await (serializationFailure is null
                    ? claim.CompleteAfterRunAsync(PayloadKind.Value, buffer.WrittenMemory)
                    : claim.ResultNotStoredAfterRunAsync(serializationFailure)).ConfigureAwait(false);
            }

            return new IdempotencyResult<T>(value, claim.Outcome);
        }
    }

    public async ValueTask<IdempotencyResult> ExecuteAsync(IdempotencyRequest request, Func<CancellationToken, ValueTask> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var claim = await BeginAsync(request, cancellationToken).ConfigureAwait(false);
        await using (claim.ConfigureAwait(false))
        {
            if (claim.Status == IdempotencyClaimStatus.Replay)
            {
                return new IdempotencyResult(IdempotencyOutcome.Replayed);
            }

            try
            {
                await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await claim.FailAsync(ex, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            if (claim.Status == IdempotencyClaimStatus.Acquired)
            {
                await claim.CompleteAfterRunAsync(PayloadKind.Void, ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
            }

            return new IdempotencyResult(claim.Outcome);
        }
    }
}
