using Idempotency.Messaging;
using Idempotency.Messaging.Nats;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds an idempotent NATS JetStream consumer.</summary>
public static class NatsConsumerBuilderExtensions
{
    /// <summary>
    /// Adds a hosted service that pulls from a durable JetStream consumer and runs each message through the handlers once
    /// per event (and handler): acknowledged once every record is durable, redelivered with a delay while in progress
    /// elsewhere, failed or without a store, dead-lettered when it cannot be processed. Start-up fails when a record TTL
    /// is shorter than the consumer's redelivery horizon. Uses the <c>INatsConnection</c> registered in the services.
    /// One JetStream consumer per service collection.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddIdempotency()</c>.</param>
    /// <param name="configure">Configures the consumer (validated at start-up).</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddIdempotentNatsConsumer(this IIdempotencyBuilder builder, Action<NatsConsumerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(Registered)))
        {
            // A second call would silently merge its options into the first consumer's (one options instance).
            throw new InvalidOperationException("AddIdempotentNatsConsumer() was already called on these services: there is one JetStream consumer per service collection. Add every handler to one consumer, or run the second consumer in its own host.");
        }

        services.AddSingleton<Registered>();
        builder.AddIdempotentConsumer();
        services.AddValidatedOptions(configure, NatsConsumerOptionsValidator.Errors);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, NatsConsumerService>(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<NatsConsumerOptions>>().Value;
            return new NatsConsumerService(
                options.ConnectionServiceKey is { } key ? sp.GetRequiredKeyedService<INatsConnection>(key) : sp.GetRequiredService<INatsConnection>(),
                options,
                sp.GetRequiredService<IOptions<IdempotentConsumerOptions>>(),
                sp.GetServices<IValidateOptions<IdempotentConsumerOptions>>(),
                sp.GetRequiredService<IIdempotentConsumer>(),
                sp.GetRequiredService<IServiceScopeFactory>(),
                sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
        }));
        return builder;
    }

    // Marks the services as holding the JetStream consumer.
    private sealed class Registered;
}
