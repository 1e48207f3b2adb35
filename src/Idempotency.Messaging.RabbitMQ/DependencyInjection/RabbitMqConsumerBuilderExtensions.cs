using Idempotency.Messaging;
using Idempotency.Messaging.RabbitMQ;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds idempotent RabbitMQ consumers.</summary>
public static class RabbitMqConsumerBuilderExtensions
{
    /// <summary>
    /// Consumes <paramref name="queue"/> for the life of the host through the <c>RabbitMQ.Client.IConnection</c> registered
    /// in the services, running each handler once per event: a delivery is acknowledged only after every handler's record
    /// is durable, requeued (after a bounded delay) while another consumer holds it or the store is unavailable, and
    /// rejected without requeue (to the queue's dead-letter exchange) when it is poison. Adds the transport-neutral
    /// consumer, and tells it this queue's retry horizon, so a record TTL shorter than it fails start-up.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddIdempotency()</c>.</param>
    /// <param name="queue">The queue to consume; it must exist (declare it with its dead-letter exchange and delivery limit).</param>
    /// <param name="configure">Adds the handlers and sets the consumer options (validated at start-up).</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddIdempotentRabbitMqConsumer(this IIdempotencyBuilder builder, string queue, Action<RabbitMqConsumerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(RabbitMqQueueRegistration) && Equals(d.ImplementationInstance, new RabbitMqQueueRegistration(queue))))
        {
            throw new InvalidOperationException($"The queue '{queue}' already has an idempotent RabbitMQ consumer: add every handler of the queue in one AddIdempotentRabbitMqConsumer call.");
        }

        builder.AddIdempotentConsumer();
        services.AddSingleton(new RabbitMqQueueRegistration(queue));
        services.AddOptions<RabbitMqConsumerOptions>(queue).Configure(o => o.Queue = queue).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RabbitMqConsumerOptions>, RabbitMqConsumerOptionsValidator>());
        services.AddSingleton<IPostConfigureOptions<IdempotentConsumerOptions>>(sp => new RabbitMqRetryHorizon(queue, sp.GetRequiredService<IOptionsMonitor<RabbitMqConsumerOptions>>()));
        services.AddSingleton<IHostedService>(sp => new RabbitMqConsumerService(queue, sp));
        return builder;
    }
}
