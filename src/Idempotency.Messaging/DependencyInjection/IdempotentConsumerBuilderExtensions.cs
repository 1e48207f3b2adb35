using System.Diagnostics.Metrics;
using Idempotency;
using Idempotency.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the transport-neutral idempotent consumer.</summary>
public static class IdempotentConsumerBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="IIdempotentConsumer"/>, its options validated at start-up (including each event type's TTL against
    /// the transport's <see cref="IdempotentConsumerOptions.RetryHorizon"/>). Transport adapters call it for you.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddIdempotency()</c>.</param>
    /// <param name="configure">Configures the consumer options.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddIdempotentConsumer(this IIdempotencyBuilder builder, Action<IdempotentConsumerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddValidatedOptions(configure, IdempotentConsumerOptionsValidator.Errors);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IdempotentConsumerOptions>, RetryHorizonCheck>());
        services.TryAddSingleton(static sp => new MessagingTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IIdempotentConsumer>(static sp => new IdempotentConsumer(
            sp.GetRequiredService<IIdempotencyExecutor>(),
            sp.GetRequiredService<IOptions<IdempotentConsumerOptions>>(),
            sp.GetRequiredService<MessagingTelemetry>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        return builder;
    }
}
