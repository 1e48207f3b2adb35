using System.Data.Common;
using Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OrdersApi;

/// <summary>
/// With <c>Idempotency:Store=sqlite</c> (the default) or <c>postgres</c>, <c>POST /orders</c> is transactional: the order
/// row (a real <c>orders</c> table in the store's database) and the idempotency record commit in one transaction, and the
/// response is sent only after the commit. A crash or an exception keeps neither, so an order is placed exactly once
/// (docs/transactional.md). The handler takes the store's transaction as a <see cref="DbTransaction"/>, so one handler
/// serves both databases.
/// </summary>
internal static class TransactionalOrders
{
    private const string Insert = "INSERT INTO orders (id, item, quantity, created_at) VALUES (@id, @item, @quantity, @created_at)";

    /// <summary>Adds transactions on the SQLite store, and creates the <c>orders</c> table in its file at start-up.</summary>
    public static IIdempotencyBuilder AddSqliteOrders(this IIdempotencyBuilder builder, string connectionString)
    {
        builder.Services.AddHostedService(_ => new OrdersTableSetup(
            () => new SqliteConnection(connectionString),
            "CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, item TEXT NOT NULL, quantity INTEGER NOT NULL, created_at TEXT NOT NULL)"));
        builder.Services.AddScoped<DbTransaction>(static sp => sp.GetRequiredService<SqliteTransaction>());
        return builder.AddSqliteTransactions();
    }

    /// <summary>Adds transactions on the PostgreSQL store, and creates the <c>orders</c> table at start-up.</summary>
    public static IIdempotencyBuilder AddPostgresOrders(this IIdempotencyBuilder builder)
    {
        builder.Services.AddHostedService(static sp => new OrdersTableSetup(
            sp.GetRequiredService<NpgsqlDataSource>().CreateConnection,
            "CREATE TABLE IF NOT EXISTS orders (id uuid PRIMARY KEY, item text NOT NULL, quantity integer NOT NULL, created_at timestamptz NOT NULL)"));
        builder.Services.AddScoped<DbTransaction>(static sp => sp.GetRequiredService<NpgsqlTransaction>());
        return builder.AddNpgsqlTransactions();
    }

    /// <summary>Maps the transactional <c>POST /orders</c> when the store provides transactions; <see langword="false"/> otherwise.</summary>
    public static bool TryMapTransactionalOrders(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<IIdempotencyTransactionFactory>() is null)
        {
            return false;
        }

        app.MapPost("/orders", async (HttpContext http, DbTransaction transaction, OrderBook book, RunCounter runs, TimeProvider time) =>
        {
            runs.OrderRan();
            var result = await OrdersEndpoints.CreateAsync(http, book.Orders, "/orders", time);
            if (result is Created<Order> { Value: { } order })
            {
                // In the request's transaction: committed with the idempotency record, or not at all.
                await using var insert = transaction.Connection!.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = Insert;
                Add(insert, "id", Guid.Parse(order.Id));
                Add(insert, "item", order.Item);
                Add(insert, "quantity", order.Quantity);
                Add(insert, "created_at", order.CreatedAt.ToUniversalTime());
                await insert.ExecuteNonQueryAsync(http.RequestAborted);
            }

            return result;
        }).RequireTransactionalIdempotency().WithCreatedOrder();
        return true;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private sealed class OrdersTableSetup(Func<DbConnection> connect, string createTable) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var connection = connect();
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = createTable;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
