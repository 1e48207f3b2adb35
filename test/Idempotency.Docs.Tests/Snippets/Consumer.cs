#region snippet: getting-started-consumer
using Idempotency;
#endregion

namespace Snippets;

#region snippet: getting-started-consumer
/// <summary>What the broker should do with a delivery.</summary>
public enum Delivery { Acknowledge, RedeliverLater, DeadLetter }

public sealed class OrderPlacedConsumer(IIdempotencyExecutor executor, Payments payments, ILogger<OrderPlacedConsumer> logger)
{
    public async Task<Delivery> HandleAsync(OrderPlaced message, CancellationToken cancellationToken)
    {
        // The message id is the key; the body's hash is the fingerprint (the same id with another body is a bug).
        var request = new IdempotencyRequest("orders.charge", message.MessageId) { Fingerprint = ContentHash.Compute(message.Body) };

        await using var claim = await executor.BeginAsync(request, cancellationToken);   // always dispose the claim
        switch (claim.Status)
        {
            case IdempotencyClaimStatus.Acquired:      // ours: run the work, then store its result
            case IdempotencyClaimStatus.WithoutKey:    // no key and the policy allows it: run, nothing is stored
            case IdempotencyClaimStatus.FailedOpen:    // store down and the policy fails open: run unprotected
                Receipt receipt;
                try
                {
                    receipt = await payments.ChargeAsync(message.Order, cancellationToken);
                }
                catch (Exception exception)
                {
                    await claim.FailAsync(exception, CancellationToken.None);       // releases the key (or remembers the failure)
                    return Delivery.RedeliverLater;                                 // the redelivery runs the work again
                }

                // Stored, NotStored or Unprotected: the work ran, acknowledge. LeaseLost: it ran, but our lease had
                // expired and another run took the key over; nothing was written over its record.
                if (await claim.CompleteAsync(receipt, CancellationToken.None) == IdempotencyCompletion.LeaseLost)
                {
                    logger.LogWarning("Message {MessageId} was handled after its lease expired.", message.MessageId);
                }

                return Delivery.Acknowledge;

            case IdempotencyClaimStatus.Replayed:        // done before: claim.GetReplayedValue<Receipt>() is its result
            case IdempotencyClaimStatus.ResultNotStored: // done before, but its result was not kept (claim.Reason)
                return Delivery.Acknowledge;

            case IdempotencyClaimStatus.InProgress:      // another consumer is running it right now
            case IdempotencyClaimStatus.StoreUnavailable: // nothing ran; try again later (claim.RetryAfter)
                return Delivery.RedeliverLater;

            case IdempotencyClaimStatus.PreviouslyFailed: // ran and failed, and the policy remembered it (claim.ErrorType)
            case IdempotencyClaimStatus.KeyReused:        // the same message id with another body
            case IdempotencyClaimStatus.KeyMissing:       // no message id
            case IdempotencyClaimStatus.KeyInvalid:       // an unusable message id (claim.Reason)
            case IdempotencyClaimStatus.RecordCorrupt:    // the stored record cannot be read (claim.Reason): look at it
            case IdempotencyClaimStatus.PayloadTooLarge:  // only integrations report this
            default:
                logger.LogError("Message {MessageId} was not handled: {Status}.", message.MessageId, claim.Status);
                return Delivery.DeadLetter;
        }
    }
}
#endregion
