using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Idempotency.Messaging.Nats;

/// <summary>
/// Sends a delivery's answer to JetStream. An answer that cannot be sent is logged and left to JetStream, which
/// redelivers after the ack wait: the record makes that redelivery a duplicate, or runs the handler that had not finished.
/// </summary>
internal sealed class JetStreamAnswers(INatsJSContext jetStream, NatsConsumerOptions options, RedeliverySchedule schedule, ILogger logger)
{
    public async ValueTask SendAsync(NatsDelivery delivery, DeliveryAnswer answer)
    {
        try
        {
            // Never cancelled: a consumer that is stopping still answers what it processed.
            switch (answer.Kind)
            {
                case AnswerKind.Ack:
                    await delivery.Raw.AckAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
                    break;
                case AnswerKind.Nak:
                    await NakAsync(delivery, answer.Delay).ConfigureAwait(false);
                    break;
                default:
                    await DeadLetterAsync(delivery, answer).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.AnswerFailed(logger, ex, delivery.Stream, delivery.Sequence, answer.Kind.ToString());
        }
    }

    /// <summary>Gives back a delivery this consumer will not process (it is stopping): redelivered at once, to another consumer.</summary>
    public ValueTask HandBackAsync(NatsDelivery delivery) => SendAsync(delivery, new DeliveryAnswer(AnswerKind.Nak, TimeSpan.Zero, null, null));

    private ValueTask NakAsync(NatsDelivery delivery, TimeSpan delay) =>
        delivery.Raw.NakAsync(new AckOpts { NakDelay = delay > TimeSpan.Zero ? delay : null }, CancellationToken.None);

    private async ValueTask DeadLetterAsync(NatsDelivery delivery, DeliveryAnswer answer)
    {
        var cause = answer.Cause!.Value;
        if (options.DeadLetterSubject is not { } subject)
        {
            await delivery.Raw.AckTerminateAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            Log.DeadLettered(logger, delivery.Stream, delivery.Sequence, delivery.Message.EventType, "AckTerminate", (ulong)delivery.Delivery, cause.Handler, cause.Outcome, answer.Reason);
            return;
        }

        try
        {
            var ack = await jetStream.PublishAsync(
                subject,
                delivery.Raw.Data,
                NatsRawSerializer<ReadOnlyMemory<byte>>.Default,
                new NatsJSPubOpts { MsgId = DeadLetterHeaders.MessageId(delivery) },
                DeadLetterHeaders.For(delivery, answer),
                CancellationToken.None).ConfigureAwait(false);
            ack.EnsureSuccess();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Acknowledging now would lose the message: redeliver it and try the dead-letter publish again then.
            Log.DeadLetterPublishFailed(logger, ex, delivery.Stream, delivery.Sequence, subject);
            await NakAsync(delivery, schedule.WaitAfter(delivery.Delivery)).ConfigureAwait(false);
            return;
        }

        await delivery.Raw.AckAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        Log.DeadLettered(logger, delivery.Stream, delivery.Sequence, delivery.Message.EventType, subject, (ulong)delivery.Delivery, cause.Handler, cause.Outcome, answer.Reason);
    }
}
