using System.Text;
using Idempotency.Messaging;
using Idempotency.TestServers;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Idempotency.Npgsql.Transactions.Tests;

/// <summary>A message consumer whose handler writes in the transaction its claim joins: acknowledged only once it committed.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ConsumerTests(PostgresServer server)
{
    [Fact]
    public async Task ProcessAsync_CommitFails_StoreUnavailableNotAcknowledgedAndTheRedeliveryProcessesOnce()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        var lines = table.Orders + "_lines";
        await table.Records.ExecuteAsync($"CREATE TABLE {lines} (order_id bigint NOT NULL REFERENCES {table.Orders} (id) DEFERRABLE INITIALLY DEFERRED)");
        var services = new ServiceCollection().AddLogging().AddSingleton(table.Records.DataSource);
        services.AddIdempotency().AddNpgsqlStore(o => o.TableName = table.Records.Options.TableName).AddNpgsqlTransactions().AddIdempotentConsumer();
        await using var provider = services.BuildServiceProvider();
        var consumer = provider.GetRequiredService<IIdempotentConsumer>();
        var store = provider.GetRequiredService<NpgsqlIdempotencyStore>(); // the consumer's store: only its claims join its transactions
        try
        {
            var outcomes = new List<ProcessingResult>();
            foreach (var (attempt, breakTheCommit) in new[] { (1, true), (2, false), (3, true) })
            {
                var message = new InboundMessage("order.placed", Encoding.UTF8.GetBytes("{}")) { MessageId = "m-1", DeliveryAttempt = attempt };
                await using var transaction = await store.BeginTransactionAsync(CancellationToken.None);
                outcomes.Add(await consumer.ProcessAsync(message, "place-order", async (m, ct) =>
                {
                    var id = await table.PlaceAsync(transaction.Transaction, m.MessageId!, ct);
                    await using var line = new NpgsqlCommand($"INSERT INTO {lines} (order_id) VALUES ($1)", transaction.Transaction.Connection, transaction.Transaction);
                    line.Parameters.Add(new NpgsqlParameter<long> { TypedValue = breakTheCommit ? -1 : id });
                    await line.ExecuteNonQueryAsync(ct);
                }, CancellationToken.None));
            }

            // The first delivery's commit failed: nothing was kept, so it must come again; the second processed it once.
            Assert.Equal([MessageOutcome.StoreUnavailable, MessageOutcome.Processed, MessageOutcome.Duplicate], outcomes.Select(o => o.Outcome));
            Assert.False(outcomes[0].ShouldAcknowledge);
            Assert.IsType<IdempotencyTransactionNotCommittedException>(outcomes[0].Exception);
            Assert.Equal(1, await table.CountOrdersAsync("m-1"));
            Assert.Equal(1, await table.Records.CountAsync("status = 1"));
        }
        finally
        {
            await table.Records.ExecuteAsync($"DROP TABLE IF EXISTS {lines}");
        }
    }
}
