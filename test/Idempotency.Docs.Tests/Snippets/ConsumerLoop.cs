#region snippet: getting-started-consumer-loop
using Idempotency.Messaging;
#endregion

namespace Snippets;

#region snippet: getting-started-consumer-loop
/// <summary>What the broker should do with a delivery.</summary>
public enum Delivery { Acknowledge, RedeliverLater, DeadLetter }

public sealed class OrderPlacedConsumer(IIdempotentConsumer consumer, Payments payments)
{
    public async Task<Delivery> HandleAsync(OrderPlaced delivery, CancellationToken cancellationToken)
    {
        var message = new InboundMessage("order.placed", delivery.Body) { MessageId = delivery.MessageId, DeliveryAttempt = delivery.Attempt };
        var result = await consumer.ProcessAsync(message, "charge", (_, ct) => payments.ChargeAsync(delivery.Order, ct), cancellationToken);
        return result switch
        {
            { ShouldAcknowledge: true } => Delivery.Acknowledge,  // Processed (its record is durable), or a Duplicate: result.Value is the first run's receipt
            { DeadLetter: true } => Delivery.DeadLetter,          // a Conflict, a remembered failure, failing on delivery MaxDeliveries, no key: result.Reason
            _ => Delivery.RedeliverLater,                         // InProgress elsewhere, StoreUnavailable (after result.RetryAfter), or the handler threw
        };
    }
}
#endregion
