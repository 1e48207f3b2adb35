using Idempotency.Messaging;
using Idempotency.Messaging.Kafka;
using Idempotency.Messaging.Kafka.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the idempotent Kafka consumer.</summary>
public static class IdempotentKafkaConsumerBuilderExtensions
{
    /// <summary>
    /// Adds a hosted Kafka consumer that runs every record through the idempotent consumer's handlers and commits its
    /// offset only once every handler acknowledged it (or it was dead-lettered). Adds <see cref="IIdempotentConsumer"/>
    /// too, and sets its <see cref="IdempotentConsumerOptions.RetryHorizon"/> from the retry settings, so a record TTL
    /// shorter than the horizon fails start-up.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddIdempotency()</c>.</param>
    /// <param name="configure">Configures the Kafka consumer (validated at start-up).</param>
    /// <param name="configureConsumer">Configures the transport-neutral consumer options (key precedence, MaxDeliveries, ...).</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddIdempotentKafkaConsumer(this IIdempotencyBuilder builder, Action<IdempotentKafkaConsumerOptions> configure, Action<IdempotentConsumerOptions>? configureConsumer = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddIdempotentConsumer(configureConsumer);
        var services = builder.Services;
        services.AddValidatedOptions(configure, KafkaConsumerOptionsValidator.Errors);
        services.AddOptions<IdempotentConsumerOptions>()
            .PostConfigure<IOptions<IdempotentKafkaConsumerOptions>>(static (consumer, kafka) => KafkaRetryHorizon.Apply(consumer, kafka.Value));
        services.AddSingleton<IHostedService, KafkaConsumerService>();
        return builder;
    }
}
