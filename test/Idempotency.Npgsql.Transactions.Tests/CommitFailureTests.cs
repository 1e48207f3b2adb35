using Idempotency.TestServers;
using Npgsql;

namespace Idempotency.Npgsql.Transactions.Tests;

/// <summary>A transaction that cannot commit keeps nothing: no order, no record, and the key runs again on retry.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CommitFailureTests(PostgresServer server)
{
    [Fact]
    public async Task ExecuteAsync_DeferredConstraintViolatedAtCommit_ThrowsAndKeepsNothingThenARetryRuns()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        var lines = table.Orders + "_lines";
        await table.Records.ExecuteAsync(
            $"CREATE TABLE {lines} (order_id bigint NOT NULL REFERENCES {table.Orders} (id) DEFERRABLE INITIALLY DEFERRED)");
        var executor = table.Executor();
        var request = new IdempotencyRequest("orders", "deferred") { Fingerprint = "f" };
        try
        {
            // The line points at an order that never exists: only the commit checks it.
            var failure = await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(async () => await executor.ExecuteAsync(request, async (tx, ct) =>
            {
                var id = await table.PlaceAsync(tx, "deferred", ct);
                await using var line = new NpgsqlCommand($"INSERT INTO {lines} (order_id) VALUES ($1)", tx.Connection, tx);
                line.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id + 1_000_000 });
                await line.ExecuteNonQueryAsync(ct);
                return id;
            }, CancellationToken.None));

            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, Assert.IsType<PostgresException>(failure.InnerException).SqlState);
            Assert.Equal(0, await table.CountOrdersAsync());
            Assert.Equal(0, await table.Records.CountAsync());

            var retry = await executor.ExecuteAsync(request, (tx, ct) => table.PlaceAsync(tx, "deferred", ct), CancellationToken.None);
            Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
            Assert.Equal(1, await table.CountOrdersAsync());
            Assert.Equal(1, await table.Records.CountAsync("status = 1"));
        }
        finally
        {
            await table.Records.ExecuteAsync($"DROP TABLE IF EXISTS {lines}");
        }
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionTerminatedBeforeCommit_ThrowsAndKeepsNothingThenARetryRuns()
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
        Assert.Equal(0, await table.Records.CountAsync());
        var retry = await executor.ExecuteAsync(request, (tx, ct) => table.PlaceAsync(tx, "terminated", ct), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(1, await table.CountOrdersAsync());
    }
}
