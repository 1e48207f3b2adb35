using Idempotency;
using Idempotency.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the SQLite store to idempotency.</summary>
public static class SqliteIdempotencyBuilderExtensions
{
    /// <summary>
    /// Makes <see cref="SqliteIdempotencyStore"/> the <see cref="IIdempotencyStore"/>, on the database file that
    /// <paramref name="connectionString"/> names, and adds the hosted service that makes the table ready at start-up and
    /// purges expired records.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=App_Data/idempotency.db</c>.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddSqliteStore(this IIdempotencyBuilder builder, string connectionString) =>
        builder.AddSqliteStore(options => options.ConnectionString = connectionString);

    /// <summary>
    /// Makes <see cref="SqliteIdempotencyStore"/> the <see cref="IIdempotencyStore"/> and adds the hosted service that makes
    /// the table ready at start-up and purges expired records.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="configure">Configures the store (validated at start-up); <see cref="SqliteStoreOptions.ConnectionString"/> is required.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddSqliteStore(this IIdempotencyBuilder builder, Action<SqliteStoreOptions> configure)
    {
        // The container disposes the store it created, closing its connections.
        builder.AddStore(configure, SqliteStoreOptionsValidator.Errors, static (_, options) => new SqliteIdempotencyStore(options));
        var services = builder.Services;
        services.TryAddSingleton<SqliteStoreHostedService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqliteStoreHostedService>(static sp => sp.GetRequiredService<SqliteStoreHostedService>()));
        return builder;
    }
}
