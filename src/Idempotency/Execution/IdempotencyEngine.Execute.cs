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
                Serializer.Serialize(buffer, value);
                await claim.CompleteAfterRunAsync(PayloadKind.Value, buffer.WrittenMemory).ConfigureAwait(false);
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
