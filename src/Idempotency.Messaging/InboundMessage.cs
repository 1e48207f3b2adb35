namespace Idempotency.Messaging;

/// <summary>
/// A message as a consumer received it, whatever the transport: adapters build one per delivery. Only
/// <see cref="EventType"/> and <see cref="Body"/> are required; each other property feeds one step of the key
/// precedence (see <see cref="MessageKeySource"/>) or the broker's own signals.
/// </summary>
public sealed class InboundMessage
{
    /// <summary>Initializes a new instance of the <see cref="InboundMessage"/> class.</summary>
    /// <param name="eventType">The event type: names the record's TTL (<see cref="IdempotencyOptions.OperationTtls"/>) and policy, and telemetry.</param>
    /// <param name="body">The payload bytes.</param>
    public InboundMessage(string eventType, ReadOnlyMemory<byte> body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        EventType = eventType;
        Body = body;
    }

    /// <summary>Gets the event type.</summary>
    public string EventType { get; }

    /// <summary>Gets the payload bytes.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Gets the transport headers (application properties); looked up case-insensitively by name.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Gets the transport's message id (JetStream <c>Nats-Msg-Id</c>, AMQP <c>message-id</c>), when it has one.</summary>
    public string? MessageId { get; init; }

    /// <summary>Gets the scope the record is kept in (a tenant), or <see langword="null"/> for none.</summary>
    public string? Scope { get; init; }

    /// <summary>Gets which delivery of this message this is, from 1; the transport's redelivery count plus one.</summary>
    public int DeliveryAttempt { get; init; } = 1;

    /// <summary>
    /// Gets the broker's "still working" signal (a JetStream in-progress ack), sent periodically while the handler runs so
    /// a long handler is not redelivered meanwhile; <see langword="null"/> when the transport has none.
    /// </summary>
    public Func<CancellationToken, ValueTask>? SignalProgress { get; init; }

    internal string? Header(string name)
    {
        if (Headers is null)
        {
            return null;
        }

        if (Headers.TryGetValue(name, out var value))
        {
            return value;
        }

        foreach (var (key, candidate) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return null;
    }
}
