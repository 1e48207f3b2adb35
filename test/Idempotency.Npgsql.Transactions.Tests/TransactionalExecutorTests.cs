using Idempotency.TestServers;
using Idempotency.Transactions.Tests;
using Npgsql;

namespace Idempotency.Npgsql.Transactions.Tests;

/// <summary>The plain-function and consumer API on PostgreSQL (the shared suite), and what only PostgreSQL does.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TransactionalExecutorTests(PostgresServer server) : TransactionalExecutorSuite<NpgsqlIdempotencyTransaction, NpgsqlTransaction>
{
    [Fact]
    public async Task ExecuteAsync_ConnectionTerminatedBeforeCommit_NotCommittedKeepsNothingThenARetryRuns()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        var executor = table.Executor();
        var request = new IdempotencyRequest("orders", "terminated") { Fingerprint = "f" };

        await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(async () => await executor.ExecuteAsync(request, async (tx, ct) =>
        {
            var id = await table.PlaceAsync(tx, "terminated", ct);
            await using (var kill = table.Records.DataSource.CreateCommand("SELECT pg_terminate_backend($1)"))
            {
                kill.Parameters.Add(new NpgsqlParameter<int> { TypedValue = tx.Connection!.ProcessID });
                await kill.ExecuteScalarAsync(ct);
            }

            return id;
        }, CancellationToken.None));

        Assert.Equal(0, await table.CountOrdersAsync());
        Assert.Equal(0, await table.CountRecordsAsync());
        var retry = await executor.ExecuteAsync(request, (tx, ct) => table.PlaceAsync(tx, "terminated", ct), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(1, await table.CountOrdersAsync());
    }

    [Fact]
    public async Task ExecuteAsync_NestedOperationInsideTheWork_UsesTheStoreOutsideTheTransaction()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        var plain = IdempotencyExecutor.Create(store: table.Store);
        var executor = new NpgsqlTransactionalExecutor(plain, table.Store);

        await executor.ExecuteAsync(new IdempotencyRequest("orders", "outer") { Fingerprint = "f" }, async (tx, ct) =>
        {
            // Only the first claim joins the transaction: a nested one commits on its own, as it would anywhere.
            await plain.ExecuteAsync(new IdempotencyRequest("mail", "inner"), _ => ValueTask.FromResult(1), ct);
            return await table.PlaceAsync(tx, "outer", ct);
        }, CancellationToken.None);

        Assert.Equal(2, await table.Records.CountAsync("status = 1"));
        Assert.Equal(1, await table.CountOrdersAsync());
    }

    protected override async Task<OrdersFixture<NpgsqlIdempotencyTransaction, NpgsqlTransaction>> CreateAsync() => await OrdersTable.CreateAsync(server);
}
