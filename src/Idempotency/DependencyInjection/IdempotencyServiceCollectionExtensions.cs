using Idempotency;
using Idempotency.Decorators;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the idempotency engine.</summary>
public static class IdempotencyServiceCollectionExtensions
{
    /// <summary>Adds the engine, with the in-memory store unless another store is added.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddIdempotency(this IServiceCollection services) => services.AddIdempotency(static _ => { });

    /// <summary>Adds the engine, with the in-memory store unless another store is added.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options (validated at start-up).</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddIdempotency(this IServiceCollection services, Action<IdempotencyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddValidatedOptions(configure, IdempotencyOptionsValidator.Errors);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdempotencyStore>(static sp => new InMemoryIdempotencyStore(sp.GetService<IOptions<InMemoryStoreOptions>>()?.Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IIdempotencyExecutor>(static sp => new IdempotencyEngine(
            sp.GetRequiredService<IOptions<IdempotencyOptions>>().Value,
            sp.GetRequiredService<IIdempotencyStore>(),
            sp.GetService<IIdempotencySerializer>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<IIdempotencyAdministrator, IdempotencyAdministrator>();
        services.TryAddSingleton(static sp => new IdempotentMethodRunner(sp.GetRequiredService<IIdempotencyExecutor>(), sp.GetRequiredService<IOptions<IdempotencyOptions>>().Value));
        return new IdempotencyBuilder(services);
    }

    /// <summary>Configures the default in-memory store.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the store.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddInMemoryStore(this IIdempotencyBuilder builder, Action<InMemoryStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions(configure, InMemoryStoreOptions.Errors);
        return builder;
    }

    private sealed class IdempotencyBuilder(IServiceCollection services) : IIdempotencyBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
