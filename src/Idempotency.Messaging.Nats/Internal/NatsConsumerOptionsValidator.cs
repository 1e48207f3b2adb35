namespace Idempotency.Messaging.Nats;

/// <summary>Every problem of <see cref="NatsConsumerOptions"/>, checked once at start-up.</summary>
internal static class NatsConsumerOptionsValidator
{
    public static IEnumerable<string> Errors(NatsConsumerOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Stream))
        {
            yield return $"{nameof(NatsConsumerOptions.Stream)} must name the JetStream stream to consume.";
        }

        if (string.IsNullOrWhiteSpace(options.Consumer))
        {
            yield return $"{nameof(NatsConsumerOptions.Consumer)} must name the durable consumer.";
        }

        if (options.ConsumerConfig is { } config
            && !string.IsNullOrEmpty(config.DurableName) && !string.Equals(config.DurableName, options.Consumer, StringComparison.Ordinal))
        {
            yield return $"{nameof(NatsConsumerOptions.ConsumerConfig)}.DurableName ('{config.DurableName}') differs from {nameof(NatsConsumerOptions.Consumer)} ('{options.Consumer}'): leave it empty or make them equal.";
        }

        if (options.EventTypeHeader is { } header && string.IsNullOrWhiteSpace(header))
        {
            yield return $"{nameof(NatsConsumerOptions.EventTypeHeader)} must be null (the subject) or a header name.";
        }

        if (options.DeadLetterSubject is { } subject && (string.IsNullOrWhiteSpace(subject) || subject.AsSpan().IndexOfAny(" \t\r\n*>") >= 0))
        {
            yield return $"{nameof(NatsConsumerOptions.DeadLetterSubject)} must be null (terminate) or a subject without spaces or wildcards.";
        }

        if (options.ConcurrentDeliveries < 1 || options.ConcurrentDeliveries > NatsConsumerDefaults.ConcurrentDeliveriesLimit)
        {
            yield return $"{nameof(NatsConsumerOptions.ConcurrentDeliveries)} must be between 1 and {NatsConsumerDefaults.ConcurrentDeliveriesLimit}.";
        }

        if (options.RetryHorizon is { } horizon && (horizon <= TimeSpan.Zero || horizon > NatsConsumerDefaults.MaxRetryHorizon))
        {
            yield return $"{nameof(NatsConsumerOptions.RetryHorizon)} must be null or between zero and {NatsConsumerDefaults.MaxRetryHorizon.TotalDays} days.";
        }

        foreach (var error in options.Handlers.Errors($"{nameof(NatsConsumerOptions)}.{nameof(NatsConsumerOptions.AddHandler)}"))
        {
            yield return error;
        }
    }
}
