namespace Idempotency.Messaging.Nats;

/// <summary>A handler added with <see cref="NatsConsumerOptions.AddHandler(string, string, Func{InboundMessage, IServiceProvider, CancellationToken, ValueTask})"/>: its name, the one event type it takes (or every one), and the delegate.</summary>
internal sealed record NatsHandler(string Name, string? EventType, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> Handle)
{
    public bool Takes(InboundMessage message) => EventType is null || string.Equals(EventType, message.EventType, StringComparison.Ordinal);
}
