namespace Idempotency.Messaging.RabbitMQ;

/// <summary>Every default value of the RabbitMQ consumer in one place.</summary>
internal static class RabbitMqConsumerDefaults
{
    // Enough unacknowledged deliveries to keep the handlers busy while answers travel, few enough that a crashed
    // consumer hands back a small batch.
    public const ushort PrefetchCount = 32;

    public const ushort ConcurrentDeliveries = 8;

    public static readonly TimeSpan RequeueDelay = TimeSpan.FromSeconds(1);

    // A delivery waiting to be requeued holds a prefetch slot (RabbitMQ has no delayed nack): the wait stays short.
    public static readonly TimeSpan MaxRequeueDelay = TimeSpan.FromSeconds(30);

    // Far beyond any real queue; keeps DeliveryLimit × MaxRequeueDelay a sane duration.
    public const int MaxDeliveryLimit = 100_000;

    public static readonly TimeSpan MaxDelayBound = TimeSpan.FromMinutes(10);

    /// <summary>The header quorum queues put on a redelivered message: how often it was delivered before.</summary>
    public const string DeliveryCountHeader = "x-delivery-count";
}
