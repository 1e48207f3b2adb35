using System.Globalization;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>
/// How long after its first delivery this consumer may process a record again, so the start-up check can refuse a record
/// TTL that expires sooner: while its handler is retried (at most <see cref="IdempotentConsumerOptions.MaxDeliveries"/>
/// deliveries, <see cref="KafkaConsumerOptions.RetryBackoff"/> apart), then once more after a crash, when the dead member's
/// partitions move on (the session timeout). <see cref="KafkaConsumerOptions.RetryHorizon"/> states a longer one.
/// </summary>
internal static class KafkaRetryHorizon
{
    /// <summary>Stands for "retried without limit": the longest horizon the core accepts, which no sensible TTL covers.</summary>
    internal static readonly TimeSpan Unbounded = TimeSpan.FromDays(365);

    /// <summary>Sets the horizon and its source on the consumer options, unless one already set there is longer.</summary>
    public static void Apply(IdempotentConsumerOptions consumer, KafkaConsumerOptions kafka)
    {
        var (horizon, source) = Computed(consumer.MaxDeliveries, kafka);
        if (kafka.RetryHorizon is { } stated && (stated > horizon || consumer.MaxDeliveries <= 0))
        {
            (horizon, source) = (stated, string.Create(CultureInfo.InvariantCulture, $"KafkaConsumerOptions.RetryHorizon {stated}"));
        }

        if (horizon > consumer.RetryHorizon)
        {
            consumer.RetryHorizon = horizon;
            consumer.RetryHorizonSource = source;
        }
    }

    private static (TimeSpan Horizon, string Source) Computed(int maxDeliveries, KafkaConsumerOptions kafka)
    {
        if (maxDeliveries <= 0)
        {
            return (Unbounded, "Kafka: MaxDeliveries is 0, so a failing record is retried without limit; set MaxDeliveries, or state KafkaConsumerOptions.RetryHorizon");
        }

        var session = kafka.ConsumerConfig?.SessionTimeoutMs is int ms and > 0 ? TimeSpan.FromMilliseconds(ms) : KafkaConsumerDefaults.SessionTimeout;

        // In doubles, so a huge MaxDeliveries cannot overflow; beyond a year the core's own bound applies.
        var ticks = (kafka.RetryBackoff.Ticks * (double)maxDeliveries) + session.Ticks;
        var horizon = ticks >= Unbounded.Ticks ? Unbounded : TimeSpan.FromTicks((long)ticks);
        return (horizon, string.Create(CultureInfo.InvariantCulture, $"Kafka: MaxDeliveries {maxDeliveries} x RetryBackoff {kafka.RetryBackoff} + session.timeout.ms {session}"));
    }
}
