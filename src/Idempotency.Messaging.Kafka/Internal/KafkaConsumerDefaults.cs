namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>The defaults of <see cref="KafkaConsumerOptions"/>, in one place.</summary>
internal static class KafkaConsumerDefaults
{
    public const string MessageIdHeader = "message-id";
    public const int MaxBufferedPerPartition = 500;

    public static readonly string[] EventTypeHeaders = ["event-type", "ce_type"];
    public static readonly TimeSpan RetryBackoff = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>librdkafka's default <c>session.timeout.ms</c>: how long a dead member keeps its partitions.</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(45);

    /// <summary>How long one poll waits: also how soon stored offsets and resumes reach librdkafka.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
}
