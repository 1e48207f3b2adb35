using Idempotency;
using Idempotency.Npgsql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL store to idempotency.</summary>
public static class NpgsqlIdempotencyBuilderExtensions
{
    /// <summary>
    /// Makes <see cref="NpgsqlIdempotencyStore"/> the <see cref="IIdempotencyStore"/>, over the <see cref="NpgsqlDataSource"/>
    /// registered in the container, and adds the hosted service that creates the table (when asked) and purges expired records.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddNpgsqlStore(this IIdempotencyBuilder builder) => builder.AddNpgsqlStore(static _ => { });

    /// <summary>
    /// Makes <see cref="NpgsqlIdempotencyStore"/> the <see cref="IIdempotencyStore"/>, over the <see cref="NpgsqlDataSource"/>
    /// registered in the container (keyed by <see cref="NpgsqlStoreOptions.DataSourceServiceKey"/> when set), and adds the hosted
    /// service that creates the table (when asked) and purges expired records.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="configure">Configures the store (validated at start-up).</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddNpgsqlStore(this IIdempotencyBuilder builder, Action<NpgsqlStoreOptions> configure)
    {
        builder.AddStore(configure, NpgsqlStoreOptionsValidator.Errors, static (sp, options) =>
        {
            var dataSource = (options.DataSourceServiceKey is { } key
                ? sp.GetKeyedService<NpgsqlDataSource>(key)
                : sp.GetService<NpgsqlDataSource>()) ?? throw NpgsqlStoreErrors.NoDataSource(options.DataSourceServiceKey);
            return new NpgsqlIdempotencyStore(dataSource, options);
        });
        var services = builder.Services;
        services.TryAddSingleton<NpgsqlStoreHostedService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, NpgsqlStoreHostedService>(static sp => sp.GetRequiredService<NpgsqlStoreHostedService>()));
        return builder;
    }
}
