namespace Idempotency.Messaging.RabbitMQ;

/// <summary>
/// Options of one idempotent RabbitMQ consumer (one queue), registered with
/// <c>AddIdempotentRabbitMqConsumer(queue, ...)</c> and validated at start-up. Keys, TTLs and duplicate handling are the
/// transport-neutral <see cref="IdempotentConsumerOptions"/>.
/// </summary>
public sealed class RabbitMqConsumerOptions
{
    /// <summary>Gets or sets the queue consumed; set from the registration's queue name.</summary>
    public string Queue { get; set; } = string.Empty;

    /// <summary>Gets or sets how many unacknowledged deliveries the broker sends ahead (<c>basic.qos</c> prefetch count): 1 to 65535.</summary>
    /// <value>The default value is 32.</value>
    public ushort PrefetchCount { get; set; } = RabbitMqConsumerDefaults.PrefetchCount;

    /// <summary>
    /// Gets or sets how many deliveries are processed at once (the channel's consumer dispatch concurrency): 1 keeps the
    /// queue's order, more lets a delivery waiting to be requeued not hold up the others. At most <see cref="PrefetchCount"/>.
    /// </summary>
    /// <value>The default value is 8.</value>
    public ushort ConcurrentDeliveries { get; set; } = RabbitMqConsumerDefaults.ConcurrentDeliveries;

    /// <summary>Gets or sets where the event type is read from.</summary>
    /// <value>The default value is <see cref="RabbitMqEventTypeSource.TypeProperty"/> (falling back to the routing key).</value>
    public RabbitMqEventTypeSource EventTypeSource { get; set; } = RabbitMqEventTypeSource.TypeProperty;

    /// <summary>
    /// Gets or sets the queue's delivery limit (the quorum queue argument <c>x-delivery-limit</c>, which allows that many
    /// redeliveries: limit + 1 deliveries in all). A message not done on its last delivery is dead-lettered by the
    /// consumer (telling <see cref="OnDeadLetter"/>) rather than requeued for the broker to drop to the dead-letter
    /// exchange; on a classic queue, which does not count deliveries, the consumer applies the limit to its own count.
    /// Together with <see cref="MaxRequeueDelay"/> it bounds how long a message is redelivered, the retry horizon
    /// checked against record TTLs at start-up. Zero: unknown (no limit applied; set <see cref="RetryHorizon"/>).
    /// </summary>
    /// <value>The default value is 0.</value>
    public int DeliveryLimit { get; set; }

    /// <summary>
    /// Gets or sets the retry horizon directly, when <see cref="DeliveryLimit"/> × <see cref="MaxRequeueDelay"/> does not
    /// describe it (classic queues, long handlers, long backlogs). Zero: computed from the delivery limit.
    /// </summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan RetryHorizon { get; set; }

    /// <summary>
    /// Gets or sets how long a delivery that is not acknowledged (in progress elsewhere, store unavailable, handler failed)
    /// is held before it is returned with <c>basic.nack</c> and requeue, when the outcome suggests no delay of its own.
    /// RabbitMQ has no delayed requeue: the consumer waits, holding the delivery's prefetch slot.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RequeueDelay { get; set; } = RabbitMqConsumerDefaults.RequeueDelay;

    /// <summary>Gets or sets the longest wait before a requeue, whatever the outcome suggests: at least <see cref="RequeueDelay"/>, at most 10 minutes.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxRequeueDelay { get; set; } = RabbitMqConsumerDefaults.MaxRequeueDelay;

    /// <summary>Gets or sets the key of the keyed <c>IConnection</c> service to consume through; <see langword="null"/> uses the unkeyed one.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public object? ConnectionServiceKey { get; set; }

    /// <summary>
    /// Gets or sets a callback told of every message about to be dead-lettered, before it is rejected without requeue.
    /// When it throws, the message is requeued instead (after <see cref="RequeueDelay"/>) and dead-lettered on a later delivery.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<RabbitMqDeadLetter, CancellationToken, ValueTask>? OnDeadLetter { get; set; }

    internal MessageHandlers Handlers { get; } = new();

    /// <summary>Adds a handler of every event type on the queue. Its records are kept under its name, so each handler runs once per event.</summary>
    /// <param name="handler">The handler's name (the record's operation name): stable across releases.</param>
    /// <param name="handle">The handler; it gets the message, the delivery's service scope and a token that fires when the consumer stops.</param>
    /// <returns>These options.</returns>
    public RabbitMqConsumerOptions AddHandler(string handler, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> handle)
    {
        Handlers.Add(handler, handle);
        return this;
    }

    /// <summary>Adds a handler of one event type. Its records are kept under its name, so each handler runs once per event.</summary>
    /// <param name="handler">The handler's name (the record's operation name): stable across releases.</param>
    /// <param name="eventType">The event type it takes.</param>
    /// <param name="handle">The handler; it gets the message, the delivery's service scope and a token that fires when the consumer stops.</param>
    /// <returns>These options.</returns>
    public RabbitMqConsumerOptions AddHandler(string handler, string eventType, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> handle)
    {
        Handlers.Add(handler, eventType, handle);
        return this;
    }
}
