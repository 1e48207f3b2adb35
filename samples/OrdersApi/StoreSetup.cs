using Npgsql;
using StackExchange.Redis;

namespace OrdersApi;

/// <summary>Chooses the idempotency store from <c>Idempotency:Store</c>: <c>memory</c> (default), <c>redis</c> or <c>postgres</c>.</summary>
internal static class StoreSetup
{
    public static IIdempotencyBuilder AddConfiguredStore(this IIdempotencyBuilder builder, IConfiguration configuration)
    {
        var store = configuration["Idempotency:Store"] ?? "memory";
        switch (store.ToLowerInvariant())
        {
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
                throw new InvalidOperationException($"Idempotency:Store is '{store}'; use memory, redis or postgres.");
        }
    }

    private static string Required(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Idempotency:Store needs ConnectionStrings:{name}.");
}
