using Npgsql;
using StackExchange.Redis;

namespace OrdersApi;

/// <summary>
/// Chooses the idempotency store from <c>Idempotency:Store</c>: <c>sqlite</c> (default), <c>memory</c>, <c>redis</c> or
/// <c>postgres</c>.
/// </summary>
internal static class StoreSetup
{
    /// <summary>The SQLite file when <c>ConnectionStrings:Sqlite</c> is not set, relative to the content root.</summary>
    public const string DefaultSqliteFile = "App_Data/idempotency.db";

    public static IIdempotencyBuilder AddConfiguredStore(this IIdempotencyBuilder builder, IConfiguration configuration, IHostEnvironment environment)
    {
        var store = configuration["Idempotency:Store"] ?? "sqlite";
        switch (store.ToLowerInvariant())
        {
            case "sqlite":
                // A file under the content root, not the current directory, so 'dotnet run' from anywhere finds the same keys.
                var sqlite = configuration.GetConnectionString("Sqlite") is { Length: > 0 } configured
                    ? configured
                    : $"Data Source={Path.Combine(environment.ContentRootPath, DefaultSqliteFile)}";
                return builder.AddSqliteStore(sqlite).AddSqliteOrders(sqlite);
            case "memory":
                return builder;
            case "redis":
                var redis = Required(configuration, "Redis");
                builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
                return builder.AddRedisStore();
            case "postgres":
                var postgres = Required(configuration, "Postgres");
                builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(postgres));

                // The sample creates its table at start-up; production apps usually run the shipped script instead.
                return builder.AddNpgsqlStore(options => options.CreateTableOnStartup = true).AddPostgresOrders();
            default:
                throw new InvalidOperationException($"Idempotency:Store is '{store}'; use sqlite, memory, redis or postgres.");
        }
    }

    private static string Required(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Idempotency:Store needs ConnectionStrings:{name}.");
}
