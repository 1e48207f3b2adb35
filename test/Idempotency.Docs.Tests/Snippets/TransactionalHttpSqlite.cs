#region snippet: transactional-http-sqlite
using Microsoft.Data.Sqlite;
#endregion

namespace Snippets;

internal static class TransactionalHttpSqlite
{
    public static void Map(WebApplication app)
    {
        #region snippet: transactional-http-sqlite
        app.MapPost("/orders", (Order order, SqliteTransaction tx) =>
        {
            using var insert = new SqliteCommand("INSERT INTO orders (item) VALUES ($item) RETURNING id", tx.Connection, tx);
            insert.Parameters.AddWithValue("$item", order.Item);
            var id = (long)insert.ExecuteScalar()!;
            return Results.Created($"/orders/{id}", new { id });  // sent after the commit
        }).RequireTransactionalIdempotency();
        #endregion
    }

    public sealed record Order(string Item);
}
