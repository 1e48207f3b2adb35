using NATS.Client.JetStream.Models;

namespace Idempotency.Messaging.Nats;

/// <summary>
/// Options of the idempotent JetStream consumer: which durable pull consumer to read, how a message names its event type,
/// where poison messages go, and the handlers each message runs through (each once per event).
/// </summary>
/// <remarks>
/// The NATS connection is the <c>INatsConnection</c> registered in the services (for example by <c>AddNatsClient</c>);
/// record TTLs, leases and policies are the engine's (<see cref="IdempotencyOptions"/>), and key sources the consumer's
/// (<see cref="IdempotentConsumerOptions"/>).
/// </remarks>
public sealed class NatsConsumerOptions
{
    /// <summary>Gets or sets the key of the keyed <c>INatsConnection</c> service to use; <see langword="null"/> uses the unkeyed one.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public object? ConnectionServiceKey { get; set; }

    /// <summary>Gets or sets the JetStream stream the consumer reads. Required.</summary>
    /// <value>The default value is empty.</value>
    public string Stream { get; set; } = string.Empty;

    /// <summary>Gets or sets the name of the durable pull consumer. Required.</summary>
    /// <value>The default value is empty.</value>
    public string Consumer { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the consumer's configuration, created or updated at start-up (its durable name is <see cref="Consumer"/>);
    /// <see langword="null"/> reads the configuration of a consumer that must already exist. Either way the redelivery
    /// horizon is computed from what the server answers.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ConsumerConfig? ConsumerConfig { get; set; }

    /// <summary>
    /// Gets or sets the header that carries the event type; the message's subject is the event type when this is
    /// <see langword="null"/> or the header is missing.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (the subject).</value>
    public string? EventTypeHeader { get; set; }

    /// <summary>
    /// Gets or sets the subject dead-lettered messages are published to (through JetStream, so a stream must capture it),
    /// with headers saying why, before the original is acknowledged. <see langword="null"/> terminates them instead
    /// (<c>AckTerminate</c>: never redelivered; the server publishes a <c>MSG_TERMINATED</c> advisory).
    /// </summary>
    /// <value>The default value is <see langword="null"/> (terminate).</value>
    public string? DeadLetterSubject { get; set; }

    /// <summary>Gets or sets how many messages are processed at once. One keeps the stream's order between redeliveries.</summary>
    /// <value>The default value is 1.</value>
    public int ConcurrentDeliveries { get; set; } = NatsConsumerDefaults.ConcurrentDeliveries;

    /// <summary>
    /// Gets or sets a redelivery horizon to check record TTLs against, when it is longer than the one computed from the
    /// consumer (<c>MaxDeliver</c> × <c>AckWait</c>, or the <c>BackOff</c> steps). Required when the consumer redelivers
    /// without limit (<c>MaxDeliver</c> -1), which no TTL can cover.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (computed only).</value>
    public TimeSpan? RetryHorizon { get; set; }

    internal MessageHandlers Handlers { get; } = new();

    /// <summary>Adds a handler of every message the consumer receives. Its records are kept under its name, so each handler runs once per event.</summary>
    /// <param name="handler">The handler's name (the record's operation name): keep it stable across releases.</param>
    /// <param name="handle">The handler; it gets the message, a service scope of its own and a token that fires when the consumer stops.</param>
    /// <returns>These options.</returns>
    public NatsConsumerOptions AddHandler(string handler, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> handle)
    {
        Handlers.Add(handler, handle);
        return this;
    }

    /// <summary>Adds a handler of one event type; other messages pass it by. Its records are kept under its name.</summary>
    /// <param name="handler">The handler's name (the record's operation name): keep it stable across releases.</param>
    /// <param name="eventType">The event type it takes (the subject, or the <see cref="EventTypeHeader"/> value).</param>
    /// <param name="handle">The handler; it gets the message, a service scope of its own and a token that fires when the consumer stops.</param>
    /// <returns>These options.</returns>
    public NatsConsumerOptions AddHandler(string handler, string eventType, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> handle)
    {
        Handlers.Add(handler, eventType, handle);
        return this;
    }
}
