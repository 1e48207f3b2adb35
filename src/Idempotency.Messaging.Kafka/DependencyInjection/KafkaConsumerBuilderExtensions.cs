using Idempotency.Messaging;
using Idempotency.Messaging.Kafka;
using Idempotency.Messaging.Kafka.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the idempotent Kafka consumer.</summary>
public static class KafkaConsumerBuilderExtensions
{
    /// <summary>
    /// Adds a hosted Kafka consumer that runs every record through its handlers, each once per event, and commits a
    /// record's offset only once every handler acknowledged it (or it was dead-lettered). Adds the transport-neutral
    /// <see cref="IIdempotentConsumer"/> too (configure it with <c>AddIdempotentConsumer(...)</c>) and sets its
    /// <see cref="IdempotentConsumerOptions.RetryHorizon"/> from the retry settings, so a record TTL shorter than the
    /// horizon fails start-up. One Kafka consumer per service collection.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddIdempotency()</c>.</param>
    /// <param name="configure">Configures the Kafka consumer (validated at start-up).</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddIdempotentKafkaConsumer(this IIdempotencyBuilder builder, Action<KafkaConsumerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(KafkaConsumerService)))
        {
            // A second call would silently merge its options (group, topics, handlers) into the first consumer's.
            throw new InvalidOperationException("AddIdempotentKafkaConsumer() was already called on these services: there is one Kafka consumer per service collection. Add every topic and handler to one consumer, or run the second consumer in its own host.");
        }

        builder.AddIdempotentConsumer();
        services.AddValidatedOptions(configure, KafkaConsumerOptionsValidator.Errors);
        services.AddOptions<IdempotentConsumerOptions>()
            .PostConfigure<IOptions<KafkaConsumerOptions>>(static (consumer, kafka) => KafkaRetryHorizon.Apply(consumer, kafka.Value));
        services.AddSingleton<IHostedService, KafkaConsumerService>();
        return builder;
    }
}
