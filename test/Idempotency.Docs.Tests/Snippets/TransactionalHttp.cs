#region snippet: transactional-http
using Npgsql;
#endregion

namespace Snippets;

internal static class TransactionalHttp
{
    public static void Configure(WebApplicationBuilder builder)
    {
        #region snippet: transactional-http
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(builder.Configuration.GetConnectionString("Postgres")!));
        builder.Services.AddIdempotency()
            .AddNpgsqlStore()
            .AddNpgsqlTransactions()          // the transaction factory, the executor, and NpgsqlTransaction for handlers
            .AddIdempotencyMiddleware();

        var app = builder.Build();
        app.UseIdempotency();
        app.MapPost("/orders", async (Order order, NpgsqlTransaction tx, CancellationToken ct) =>
        {
            await using var insert = new NpgsqlCommand("INSERT INTO orders (item) VALUES ($1) RETURNING id", tx.Connection, tx);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = order.Item });
            var id = (long)(await insert.ExecuteScalarAsync(ct))!;
            return Results.Created($"/orders/{id}", new { id });  // sent after the commit
        }).RequireTransactionalIdempotency();
        #endregion
    }

    public sealed record Order(string Item);
}
