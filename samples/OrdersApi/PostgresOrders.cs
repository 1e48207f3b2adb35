using Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace OrdersApi;

/// <summary>
/// With <c>Idempotency:Store=postgres</c>, <c>POST /orders</c> is transactional: the order row (a real <c>orders</c> table)
/// and the idempotency record commit in one transaction, and the response is sent only after the commit. A crash or an
/// exception keeps neither, so an order is placed exactly once (docs/transactional.md).
/// </summary>
internal static class PostgresOrders
{
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS orders (
            id uuid PRIMARY KEY, item text NOT NULL, quantity integer NOT NULL, created_at timestamptz NOT NULL)
        """;

    /// <summary>Adds transactions on the PostgreSQL store, and creates the <c>orders</c> table at start-up.</summary>
    public static IIdempotencyBuilder AddPostgresOrders(this IIdempotencyBuilder builder)
    {
        builder.Services.AddHostedService<OrdersTableSetup>();
        return builder.AddNpgsqlTransactions();
    }

    /// <summary>Maps the transactional <c>POST /orders</c> when the store provides transactions; <see langword="false"/> otherwise.</summary>
    public static bool TryMapTransactionalOrders(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<IIdempotencyTransactionFactory>() is null)
        {
            return false;
        }

        app.MapPost("/orders", async (HttpContext http, NpgsqlTransaction transaction, OrderBook book, RunCounter runs, TimeProvider time) =>
        {
            runs.OrderRan();
            var result = await OrdersEndpoints.CreateAsync(http, book.Orders, "/orders", time);
            if (result is Created<Order> { Value: { } order })
            {
                // In the request's transaction: committed with the idempotency record, or not at all.
                await using var insert = new NpgsqlCommand(
                    "INSERT INTO orders (id, item, quantity, created_at) VALUES ($1, $2, $3, $4)", transaction.Connection, transaction);
                insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.Parse(order.Id) });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = order.Item });
                insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = order.Quantity });
                insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = order.CreatedAt.ToUniversalTime() });
                await insert.ExecuteNonQueryAsync(http.RequestAborted);
            }

            return result;
        }).RequireTransactionalIdempotency();
        return true;
    }

    private sealed class OrdersTableSetup(NpgsqlDataSource dataSource) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var command = dataSource.CreateCommand(CreateTable);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
