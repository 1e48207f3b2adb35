// Compiled into each broker adapter (linked by their project files), not into Idempotency.Messaging: the adapters'
// options share their handler list this way without a public base type.
namespace Idempotency.Messaging;

/// <summary>A handler added to an adapter's options: its name (the record's operation name), the one event type it takes (every one when <see langword="null"/>), and the delegate.</summary>
internal sealed record MessageHandler(string Name, string? EventType, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> Handle)
{
    public bool Takes(string eventType) => EventType is null || string.Equals(EventType, eventType, StringComparison.Ordinal);
}
