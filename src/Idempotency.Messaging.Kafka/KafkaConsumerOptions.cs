using Confluent.Kafka;
using Idempotency.Messaging.Kafka.Internal;

namespace Idempotency.Messaging.Kafka;

/// <summary>
/// Options of the idempotent Kafka consumer: what to subscribe to, how a record becomes an <see cref="InboundMessage"/>,
/// the handlers, retries and where poison records go. Validated at start-up. Key precedence, duplicate handling and
/// <see cref="IdempotentConsumerOptions.MaxDeliveries"/> are the transport-neutral <see cref="IdempotentConsumerOptions"/>
/// (configure them with <c>AddIdempotentConsumer(...)</c>).
/// </summary>
public sealed class KafkaConsumerOptions
{
    /// <summary>
    /// Gets or sets the Confluent.Kafka consumer settings; <see cref="ClientConfig.BootstrapServers"/> and
    /// <see cref="ConsumerConfig.GroupId"/> are required. The consumer always runs with
    /// <c>enable.auto.offset.store=false</c> and <c>enable.auto.commit=true</c>: it stores an offset only once every
    /// handler has acknowledged (or dead-lettered) the record, and librdkafka commits stored offsets periodically, on
    /// rebalance and on close.
    /// </summary>
    /// <value>The default value is an empty configuration.</value>
    public ConsumerConfig ConsumerConfig { get; set; } = new();

    /// <summary>Gets the topics subscribed to (names, or regular expressions starting with <c>^</c>).</summary>
    public IList<string> Topics { get; } = [];

    /// <summary>
    /// Gets or sets the header read as the transport message id (<see cref="InboundMessage.MessageId"/>). Kafka has no
    /// message id of its own, and topic-partition-offset is not one: a re-published event gets a new offset.
    /// <see langword="null"/> reads none.
    /// </summary>
    /// <value>The default value is <c>message-id</c>.</value>
    public string? MessageIdHeader { get; set; } = KafkaConsumerDefaults.MessageIdHeader;

    /// <summary>Gets the headers read as the event type, in order; when none is present the topic is the event type. Clear it to always use the topic.</summary>
    /// <value>The default value is <c>event-type</c>, <c>ce_type</c> (CloudEvents binary mode).</value>
    public IList<string> EventTypeHeaders { get; } = [.. KafkaConsumerDefaults.EventTypeHeaders];

    /// <summary>
    /// Gets or sets how long a record whose handler failed waits before it is processed again. The partition waits with
    /// it: later records of the partition are neither processed nor committed meanwhile.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan RetryBackoff { get; set; } = KafkaConsumerDefaults.RetryBackoff;

    /// <summary>
    /// Gets or sets how long after its first delivery a record may be processed again, when that is longer than what the
    /// consumer computes (<see cref="IdempotentConsumerOptions.MaxDeliveries"/> x <see cref="RetryBackoff"/> + the session
    /// timeout): state it to cover how long the consumer group may be down (its uncommitted records are delivered again on
    /// restart), or when <c>MaxDeliveries</c> is 0 (retried without limit), which no TTL covers otherwise.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (computed only).</value>
    public TimeSpan? RetryHorizon { get; set; }

    /// <summary>Gets or sets the topic poison records are produced to (with the reason in headers); <see langword="null"/> for none.</summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>
    /// Gets or sets the producer settings for <see cref="DeadLetterTopic"/>; <see langword="null"/> uses the consumer's
    /// connection settings (bootstrap servers, client id, security, SASL and SSL).
    /// </summary>
    public ProducerConfig? DeadLetterProducer { get; set; }

    /// <summary>
    /// Gets or sets a callback told of each poison record (with the handler and outcome that condemned it, and why)
    /// instead of, or with <see cref="DeadLetterTopic"/> after, producing it there. The record is committed once it
    /// returns; if it throws, it is called again after <see cref="RetryBackoff"/>.
    /// </summary>
    public Func<KafkaDeadLetter, CancellationToken, ValueTask>? OnDeadLetter { get; set; }

    /// <summary>Gets or sets how many records of one partition are held in memory ahead of its handler before the partition is paused.</summary>
    /// <value>The default value is 500.</value>
    public int MaxBufferedPerPartition { get; set; } = KafkaConsumerDefaults.MaxBufferedPerPartition;

    /// <summary>Gets or sets how long a stop or a revoked partition waits for a running handler before cancelling it (a cancelled handler is released and runs again on redelivery).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan DrainTimeout { get; set; } = KafkaConsumerDefaults.DrainTimeout;

    internal MessageHandlers Handlers { get; } = new();

    /// <summary>
    /// Adds a handler of every event the consumer receives. Records are kept per handler name, so two handlers of one
    /// event each run once; a Kafka record is committed when every handler it is for has processed it.
    /// </summary>
    /// <param name="handler">The handler's name (the record's operation name): stable across releases.</param>
    /// <param name="handle">The handler: the message, the services of a scope created for the record, and a token cancelled when the consumer gives up waiting for it.</param>
    /// <returns>These options.</returns>
    public KafkaConsumerOptions AddHandler(string handler, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> handle)
    {
        Handlers.Add(handler, handle);
        return this;
    }

    /// <summary>Adds a handler of one event type.</summary>
    /// <param name="handler">The handler's name (the record's operation name): stable across releases.</param>
    /// <param name="eventType">The event type it handles (the <c>event-type</c> header, or the topic).</param>
    /// <param name="handle">The handler.</param>
    /// <returns>These options.</returns>
    public KafkaConsumerOptions AddHandler(string handler, string eventType, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> handle)
    {
        Handlers.Add(handler, eventType, handle);
        return this;
    }
}
