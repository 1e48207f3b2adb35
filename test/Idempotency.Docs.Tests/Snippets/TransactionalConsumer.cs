#region snippet: transactional-consumer
using Idempotency;
using Idempotency.Messaging;
using Idempotency.Npgsql;
using Npgsql;
#endregion

namespace Snippets;

internal static class TransactionalConsumer
{
    public static async Task ConsumeAsync(NpgsqlIdempotencyStore store, IIdempotentConsumer consumer, InboundMessage message, Messaging.BrokerDelivery delivery, CancellationToken cancellationToken)
    {
        #region snippet: transactional-consumer
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);   // the claim below joins it
        var result = await consumer.ProcessAsync(message, "place-order", async (m, ct) =>
        {
            var tx = transaction.Transaction;
            await using var insert = new NpgsqlCommand("INSERT INTO orders (item) VALUES ($1)", tx.Connection, tx);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = m.EventType });
            await insert.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

        // Processed counts only if the transaction committed: a failed commit kept nothing, so the message must come again.
        var durable = result.Outcome == MessageOutcome.Duplicate
            || (result.Outcome == MessageOutcome.Processed && transaction.State == IdempotencyTransactionState.Committed);
        if (durable)
        {
            await delivery.AckAsync();
        }
        else
        {
            await delivery.RetryAsync(result.RetryAfter);
        }
        #endregion
    }
}
