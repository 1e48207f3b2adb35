using System.Text;
using Idempotency.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Sqlite.Transactions.Tests;

/// <summary>A message consumer whose handler writes in the transaction its claim joins: acknowledged only once it committed.</summary>
public sealed class ConsumerTests
{
    [Fact]
    public async Task ProcessAsync_CommitFails_StoreUnavailableNotAcknowledgedAndTheRedeliveryProcessesOnce()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var services = new ServiceCollection().AddLogging();
        services.AddIdempotency().AddSqliteStore(o => o.ConnectionString = database.ConnectionString).AddSqliteTransactions().AddIdempotentConsumer();
        await using var provider = services.BuildServiceProvider();
        var consumer = provider.GetRequiredService<IIdempotentConsumer>();
        var store = provider.GetRequiredService<SqliteIdempotencyStore>();

        var failed = await ProcessAsync(consumer, store, attempt: 1, breakTheCommit: true);
        var redelivered = await ProcessAsync(consumer, store, attempt: 2, breakTheCommit: false);
        var duplicate = await ProcessAsync(consumer, store, attempt: 3, breakTheCommit: true);

        Assert.Equal(MessageOutcome.StoreUnavailable, failed.Outcome);
        Assert.False(failed.ShouldAcknowledge);
        Assert.IsType<IdempotencyTransactionNotCommittedException>(failed.Exception);
        Assert.Equal(MessageOutcome.Processed, redelivered.Outcome);
        Assert.True(redelivered.ShouldAcknowledge);
        Assert.Equal(MessageOutcome.Duplicate, duplicate.Outcome);
        Assert.Equal(1, database.CountOrders("m-1"));
        Assert.Equal(1, database.CountRecords("status = 1"));
    }

    private static async Task<ProcessingResult> ProcessAsync(IIdempotentConsumer consumer, SqliteIdempotencyStore store, int attempt, bool breakTheCommit)
    {
        var message = new InboundMessage("order.placed", Encoding.UTF8.GetBytes("{}")) { MessageId = "m-1", DeliveryAttempt = attempt };
        await using var transaction = await store.BeginTransactionAsync(CancellationToken.None);
        return await consumer.ProcessAsync(message, "place-order", (m, _) =>
        {
            OrdersDatabase.Place(transaction.Transaction, m.MessageId!);
            if (breakTheCommit)
            {
                OrdersDatabase.AddLineOfNoOrder(transaction.Transaction);
            }

            return ValueTask.CompletedTask;
        }, CancellationToken.None);
    }
}
