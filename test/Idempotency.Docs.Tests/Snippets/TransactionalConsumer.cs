#region snippet: transactional-consumer
using Idempotency.Messaging;
using Idempotency.Sqlite;
using Microsoft.Data.Sqlite;
#endregion

namespace Snippets;

internal static class TransactionalConsumer
{
    public static async Task ConsumeAsync(SqliteIdempotencyStore store, IIdempotentConsumer consumer, InboundMessage message, Messaging.BrokerDelivery delivery, CancellationToken cancellationToken)
    {
        #region snippet: transactional-consumer
        // store: the SqliteIdempotencyStore the consumer uses (from DI); the claim below joins its transaction
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        var result = await consumer.ProcessAsync(message, "place-order", (m, ct) =>
        {
            var tx = transaction.Transaction;
            using var insert = new SqliteCommand("INSERT INTO orders (item) VALUES ($item)", tx.Connection, tx);
            insert.Parameters.AddWithValue("$item", m.EventType);
            insert.ExecuteNonQuery();
            return ValueTask.CompletedTask;
        }, cancellationToken);

        if (result.ShouldAcknowledge)
        {
            await delivery.AckAsync();                      // processed and committed, or a duplicate
        }
        else
        {
            await delivery.RetryAsync(result.RetryAfter);   // a commit that failed is StoreUnavailable: nothing was kept
        }
        #endregion
    }
}
