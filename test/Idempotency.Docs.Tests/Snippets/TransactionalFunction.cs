#region snippet: transactional-function
using Idempotency;
using Idempotency.Npgsql;
using Npgsql;
#endregion

namespace Snippets;

internal static class TransactionalFunction
{
    public static async Task<long> RunAsync(NpgsqlTransactionalExecutor transactional, string key, CancellationToken cancellationToken)
    {
        #region snippet: transactional-function
        // transactional: NpgsqlTransactionalExecutor, from services.AddIdempotency().AddNpgsqlStore().AddNpgsqlTransactions()
        var result = await transactional.ExecuteAsync(new IdempotencyRequest("place-order", key), async (tx, ct) =>
        {
            await using var insert = new NpgsqlCommand("INSERT INTO orders (item) VALUES ($1) RETURNING id", tx.Connection, tx);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "book" });
            return (long)(await insert.ExecuteScalarAsync(ct))!;   // committed with the record, or not at all
        }, cancellationToken);
        // result.Value is the order id; result.IsReplayed says whether an earlier run's id came back
        #endregion
        return result.Value;
    }
}
