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

        if (options.Handlers.Count == 0)
        {
            yield return "Add at least one handler (KafkaConsumerOptions.AddHandler).";
        }

        foreach (var handler in options.Handlers.Where(h => !IsValidHandlerName(h.Name)))
        {
            yield return $"The handler name '{handler.Name}' is not a valid operation name: 1-100 characters of letters, digits, '.', '_', '-' or '/'.";
        }

        // Records are kept per handler name: two handlers of one name taking one event type would share a record, and
        // the second would never run.
        foreach (var named in options.Handlers.GroupBy(h => h.Name, StringComparer.Ordinal))
        {
            var types = named.Select(h => h.EventType).ToList();
            if (types.Count > 1 && (types.Contains(null) || types.Distinct(StringComparer.Ordinal).Count() < types.Count))
            {
                yield return $"The handler name '{named.Key}' is added twice for the same event type; give each handler its own name.";
            }
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

    // The handler name is the record's operation name, a store-key segment: checked here so a bad name fails start-up,
    // not every delivery.
    private static bool IsValidHandlerName(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/');
}
