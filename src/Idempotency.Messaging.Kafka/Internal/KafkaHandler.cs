namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>One handler of the consumer: its record namespace (the name), the event type it takes, and the code.</summary>
internal sealed record KafkaHandler(string Name, string? EventType, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> Handle)
{
    public bool Takes(InboundMessage message) => EventType is null || string.Equals(EventType, message.EventType, StringComparison.Ordinal);
}
