using System.Globalization;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>
/// How long after its first delivery this consumer may process a record again, so the start-up check can refuse a record
/// TTL that expires sooner. A record is redelivered while its handler is retried (at most
/// <see cref="IdempotentConsumerOptions.MaxDeliveries"/> deliveries, <see cref="IdempotentKafkaConsumerOptions.RetryBackoff"/>
/// apart), and once more after a crash, when a dead member's partitions move on (the session timeout), plus however long
/// the group may be down (<see cref="IdempotentKafkaConsumerOptions.RedeliveryAllowance"/>).
/// </summary>
internal static class KafkaRetryHorizon
{
    /// <summary>Stands for "retried forever" (the longest horizon the core accepts).</summary>
    internal static readonly TimeSpan Unbounded = TimeSpan.FromDays(365);

    /// <summary>Sets the horizon and its source on the consumer options, unless one already set there is longer.</summary>
    public static void Apply(IdempotentConsumerOptions consumer, IdempotentKafkaConsumerOptions kafka)
    {
        var session = kafka.Consumer?.SessionTimeoutMs is int ms and > 0 ? TimeSpan.FromMilliseconds(ms) : KafkaConsumerDefaults.SessionTimeout;
        var (horizon, source) = consumer.MaxDeliveries > 0
            ? (Capped((kafka.RetryBackoff.Ticks * (double)consumer.MaxDeliveries) + session.Ticks + kafka.RedeliveryAllowance.Ticks),
               string.Create(CultureInfo.InvariantCulture, $"Kafka: MaxDeliveries {consumer.MaxDeliveries} x RetryBackoff {kafka.RetryBackoff} + session.timeout.ms {session} + RedeliveryAllowance {kafka.RedeliveryAllowance}"))
            : (Unbounded, "Kafka: MaxDeliveries is 0, so a failing record is retried forever; set MaxDeliveries to bound it");
        if (horizon > consumer.RetryHorizon)
        {
            consumer.RetryHorizon = horizon;
            consumer.RetryHorizonSource = source;
        }
    }

    // In doubles, so a huge MaxDeliveries cannot overflow; beyond a year the core's own bound applies.
    private static TimeSpan Capped(double ticks) => ticks >= Unbounded.Ticks ? Unbounded : TimeSpan.FromTicks((long)ticks);
}
