namespace Idempotency.Messaging.Nats;

/// <summary>Every default value of the NATS adapter in one place.</summary>
internal static class NatsConsumerDefaults
{
    public const int ConcurrentDeliveries = 1;
    public const int ConcurrentDeliveriesLimit = 1024;

    /// <summary>The header JetStream deduplicates publications by, read as <see cref="InboundMessage.MessageId"/>.</summary>
    public const string MessageIdHeader = "Nats-Msg-Id";

    /// <summary>Messages fetched ahead per concurrent slot: enough to keep slots busy, few enough that buffered messages do not sit out their ack wait.</summary>
    public const int PrefetchPerSlot = 2;

    /// <summary>How long the consume loop waits before it tries again after the consumer could not be read.</summary>
    public static readonly TimeSpan ConsumeRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long a stop past the shutdown timeout waits for cancelled handlers to release their claims and hand their messages back.</summary>
    public static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(2);

    /// <summary>The longest horizon a TTL can cover (the engine's longest TTL).</summary>
    public static readonly TimeSpan MaxRetryHorizon = TimeSpan.FromDays(365);
}
