namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>Every problem of <see cref="KafkaConsumerOptions"/>, reported together at start-up.</summary>
internal static class KafkaConsumerOptionsValidator
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);

    public static IEnumerable<string> Errors(KafkaConsumerOptions options)
    {
        if (options.ConsumerConfig is null || string.IsNullOrWhiteSpace(options.ConsumerConfig.BootstrapServers))
        {
            yield return "ConsumerConfig.BootstrapServers must be set.";
        }

        if (string.IsNullOrWhiteSpace(options.ConsumerConfig?.GroupId))
        {
            yield return "ConsumerConfig.GroupId must be set: offsets are committed to the consumer group.";
        }

        if (options.Topics.Count == 0 || options.Topics.Any(string.IsNullOrWhiteSpace))
        {
            yield return $"{nameof(options.Topics)} must list at least one topic, and no empty name.";
        }

        foreach (var error in options.Handlers.Errors($"{nameof(KafkaConsumerOptions)}.{nameof(KafkaConsumerOptions.AddHandler)}"))
        {
            yield return error;
        }

        if (options.EventTypeHeaders.Any(string.IsNullOrWhiteSpace))
        {
            yield return $"{nameof(options.EventTypeHeaders)} must not list an empty header name.";
        }

        if (options.RetryBackoff <= TimeSpan.Zero || options.RetryBackoff > MaxWait)
        {
            yield return $"{nameof(options.RetryBackoff)} must be positive and at most one hour.";
        }

        if (options.RetryHorizon is { } horizon && (horizon <= TimeSpan.Zero || horizon > KafkaRetryHorizon.Unbounded))
        {
            yield return $"{nameof(options.RetryHorizon)} must be positive and at most 365 days.";
        }

        if (options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout > MaxWait)
        {
            yield return $"{nameof(options.DrainTimeout)} must be between zero and one hour.";
        }

        if (options.MaxBufferedPerPartition < 1)
        {
            yield return $"{nameof(options.MaxBufferedPerPartition)} must be at least 1.";
        }

        if (options.DeadLetterTopic is null && options.OnDeadLetter is null)
        {
            yield return $"Set {nameof(options.DeadLetterTopic)} or {nameof(options.OnDeadLetter)}: a conflicting record, or one whose handler failed MaxDeliveries times, must go somewhere before its offset is committed.";
        }
        else if (options.DeadLetterTopic is { } topic && (string.IsNullOrWhiteSpace(topic) || options.Topics.Contains(topic, StringComparer.Ordinal)))
        {
            yield return $"{nameof(options.DeadLetterTopic)} must be a topic name that is not one of {nameof(options.Topics)}.";
        }
    }
}
