namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>Every problem of <see cref="IdempotentKafkaConsumerOptions"/>, reported together at start-up.</summary>
internal static class KafkaConsumerOptionsValidator
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);

    public static IEnumerable<string> Errors(IdempotentKafkaConsumerOptions options)
    {
        if (options.Consumer is null || string.IsNullOrWhiteSpace(options.Consumer.BootstrapServers))
        {
            yield return "Consumer.BootstrapServers must be set.";
        }

        if (string.IsNullOrWhiteSpace(options.Consumer?.GroupId))
        {
            yield return "Consumer.GroupId must be set: offsets are committed to the consumer group.";
        }

        if (options.Topics.Count == 0 || options.Topics.Any(string.IsNullOrWhiteSpace))
        {
            yield return $"{nameof(options.Topics)} must list at least one topic, and no empty name.";
        }

        if (options.Handlers.Count == 0)
        {
            yield return "Add at least one handler with Handle(name, handler).";
        }

        foreach (var name in options.Handlers.GroupBy(h => h.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            yield return $"The handler name '{name}' is used twice: records are kept per handler name, so two handlers with one name would share them.";
        }

        if (options.EventTypeHeaders.Any(string.IsNullOrWhiteSpace))
        {
            yield return $"{nameof(options.EventTypeHeaders)} must not list an empty header name.";
        }

        if (options.RetryBackoff <= TimeSpan.Zero || options.RetryBackoff > MaxWait)
        {
            yield return $"{nameof(options.RetryBackoff)} must be positive and at most one hour.";
        }

        if (options.RedeliveryAllowance < TimeSpan.Zero || options.RedeliveryAllowance > TimeSpan.FromDays(30))
        {
            yield return $"{nameof(options.RedeliveryAllowance)} must be between zero and 30 days.";
        }

        if (options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout > MaxWait)
        {
            yield return $"{nameof(options.DrainTimeout)} must be between zero and one hour.";
        }

        if (options.MaxBufferedPerPartition < 1)
        {
            yield return $"{nameof(options.MaxBufferedPerPartition)} must be at least 1.";
        }

        if (options.DeadLetterTopic is null && options.DeadLetterHandler is null)
        {
            yield return $"Set {nameof(options.DeadLetterTopic)} or {nameof(options.DeadLetterHandler)}: a conflicting record, or one whose handler failed MaxDeliveries times, must go somewhere before its offset is committed.";
        }
        else if (options.DeadLetterTopic is { } topic && (string.IsNullOrWhiteSpace(topic) || options.Topics.Contains(topic, StringComparer.Ordinal)))
        {
            yield return $"{nameof(options.DeadLetterTopic)} must be a topic name that is not one of {nameof(options.Topics)}.";
        }
    }
}
