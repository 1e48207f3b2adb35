namespace Idempotency.Messaging;

/// <summary>Every problem of the consumer options on their own; the TTL checks need the engine's options (<see cref="RetryHorizonCheck"/>).</summary>
internal static class IdempotentConsumerOptionsValidator
{
    public static IEnumerable<string> Errors(IdempotentConsumerOptions options)
    {
        if (options.KeySources.Count == 0 || options.KeySources.Contains(MessageKeySource.None))
        {
            yield return $"{nameof(options.KeySources)} must list at least one source, and not {nameof(MessageKeySource.None)}.";
        }

        if (options.KeySources.Contains(MessageKeySource.Header) && string.IsNullOrWhiteSpace(options.KeyHeaderName))
        {
            yield return $"{nameof(options.KeyHeaderName)} must be set when the header is a key source.";
        }

        if (options.MaxDeliveries < 0)
        {
            yield return $"{nameof(options.MaxDeliveries)} must not be negative.";
        }

        if (options.ProgressInterval < TimeSpan.Zero || options.ProgressInterval > TimeSpan.FromHours(1))
        {
            yield return $"{nameof(options.ProgressInterval)} must be between zero (off) and one hour.";
        }

        if (options.RetryHorizon < TimeSpan.Zero || options.RetryHorizon > TimeSpan.FromDays(365))
        {
            yield return $"{nameof(options.RetryHorizon)} must be between zero (unchecked) and 365 days.";
        }
    }
}
