namespace Idempotency.Messaging.RabbitMQ;

/// <summary>One registered handler: its record name, the event type it takes (every type when <see langword="null"/>) and the delegate.</summary>
internal sealed record RabbitMqHandler(string Name, string? EventType, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> Handle)
{
    public bool Takes(string eventType) => EventType is null || string.Equals(EventType, eventType, StringComparison.Ordinal);
}
