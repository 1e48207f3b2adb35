#region snippet: messaging-process
using Idempotency.Messaging;
#endregion

namespace Snippets;

internal static class Messaging
{
    public static async Task ProcessAsync(IIdempotentConsumer consumer, BrokerDelivery delivery, CancellationToken cancellationToken)
    {
        #region snippet: messaging-process
        var message = new InboundMessage("payment.charged", delivery.Body) { MessageId = delivery.Id, DeliveryAttempt = delivery.Attempt };
        var result = await consumer.ProcessAsync(message, "charge-card", ChargeCardAsync, cancellationToken);
        if (result.ShouldAcknowledge)
        {
            await delivery.AckAsync();                         // processed, or a duplicate: the record is durable
        }
        else if (result.DeadLetter)
        {
            await delivery.DeadLetterAsync(result.Reason);     // conflict, remembered failure, last delivery: redelivery cannot fix it
        }
        else
        {
            await delivery.RetryAsync(result.RetryAfter);      // in progress elsewhere, store unavailable, handler failed
        }
        #endregion
    }

    private static ValueTask ChargeCardAsync(InboundMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Stands for a broker client's delivery in the snippet.</summary>
    public abstract class BrokerDelivery
    {
        public abstract byte[] Body { get; }

        public abstract string Id { get; }

        public abstract int Attempt { get; }

        public abstract Task AckAsync();

        public abstract Task DeadLetterAsync(string? reason);

        public abstract Task RetryAsync(TimeSpan delay);
    }
}
