using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging.RabbitMQ;

/// <summary>The RabbitMQ consumer's log events (ids 3201–3299). Shipped names are a contract; keys and payloads are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(3201, LogLevel.Information, "Consuming queue {Queue} (prefetch {PrefetchCount}, {ConcurrentDeliveries} deliveries at once)", EventName = "RabbitMqConsumerStarted")]
    public static partial void Started(ILogger logger, string queue, ushort prefetchCount, ushort concurrentDeliveries);

    [LoggerMessage(3202, LogLevel.Information, "Stopped consuming queue {Queue}", EventName = "RabbitMqConsumerStopped")]
    public static partial void Stopped(ILogger logger, string queue);

    [LoggerMessage(3203, LogLevel.Debug, "Message {EventType} on queue {Queue} requeued after {Delay}", EventName = "RabbitMqRequeued")]
    public static partial void Requeued(ILogger logger, string eventType, string queue, TimeSpan delay);

    [LoggerMessage(3204, LogLevel.Warning, "Message {EventType} on queue {Queue} dead-lettered (handler {Handler}): {Reason}", EventName = "RabbitMqDeadLettered")]
    public static partial void DeadLettered(ILogger logger, string eventType, string queue, string? handler, string reason);

    [LoggerMessage(3205, LogLevel.Warning, "Answering the broker about a message on queue {Queue} failed ({Answer}); the broker redelivers it once the channel is gone", EventName = "RabbitMqAnswerFailed")]
    public static partial void AnswerFailed(ILogger logger, Exception exception, string queue, BrokerAnswerKind answer);

    [LoggerMessage(3206, LogLevel.Error, "The dead-letter callback failed for message {EventType} on queue {Queue}; the message is requeued instead", EventName = "RabbitMqDeadLetterCallbackFailed")]
    public static partial void DeadLetterCallbackFailed(ILogger logger, Exception exception, string eventType, string queue);

    [LoggerMessage(3207, LogLevel.Error, "Processing a message on queue {Queue} failed unexpectedly; it is dead-lettered", EventName = "RabbitMqDeliveryFailed")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(3208, LogLevel.Error, "The channel consuming queue {Queue} was closed by the broker ({ReplyCode} {ReplyText}); this consumer receives nothing more until the host restarts it", EventName = "RabbitMqChannelClosed")]
    public static partial void ChannelClosed(ILogger logger, string queue, ushort replyCode, string replyText);

    [LoggerMessage(3209, LogLevel.Error, "A message on queue {Queue} was left unanswered after an unexpected error; the broker redelivers it when the channel closes", EventName = "RabbitMqDeliveryUnanswered")]
    public static partial void DeliveryUnanswered(ILogger logger, Exception exception, string queue);

    [LoggerMessage(3210, LogLevel.Warning, "Queue {Queue} redelivers without counting deliveries (no x-delivery-count: a classic queue); this consumer counts its own deliveries of each message, so MaxDeliveries and DeliveryLimit bound a failing message per consumer instance only. A quorum queue with x-delivery-limit bounds it across consumers", EventName = "RabbitMqDeliveriesCountedLocally")]
    public static partial void DeliveriesCountedLocally(ILogger logger, string queue);
}
