#region snippet: transactional-function-sqlite
using Idempotency;
using Idempotency.Sqlite;
using Microsoft.Data.Sqlite;
#endregion

namespace Snippets;

internal static class TransactionalFunctionSqlite
{
    public static async Task<long> RunAsync(SqliteTransactionalExecutor transactional, string key, CancellationToken cancellationToken)
    {
        #region snippet: transactional-function-sqlite
        // transactional: SqliteTransactionalExecutor, from services.AddIdempotency().AddSqliteStore(...).AddSqliteTransactions()
        var result = await transactional.ExecuteAsync(new IdempotencyRequest("place-order", key), (tx, ct) =>
        {
            using var insert = new SqliteCommand("INSERT INTO orders (item) VALUES ($item) RETURNING id", tx.Connection, tx);
            insert.Parameters.AddWithValue("$item", "book");
            return ValueTask.FromResult((long)insert.ExecuteScalar()!);   // committed with the record, or not at all
        }, cancellationToken);
        #endregion
        return result.Value;
    }
}
