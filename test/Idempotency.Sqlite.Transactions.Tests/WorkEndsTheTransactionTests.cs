using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite.Transactions.Tests;

/// <summary>
/// What only SQLite lets work do to its transaction behind the driver's back, COMMIT or ROLLBACK as statements: no second
/// run, and no record left in progress.
/// </summary>
public sealed class WorkEndsTheTransactionTests
{
    [Fact]
    public async Task ExecuteAsync_WorkRunsCommitAsAStatement_OneOrderAndTheRetryReplaysIt()
    {
        await using var orders = await SqliteOrders.CreateAsync();
        var executor = orders.Executor();
        var request = new IdempotencyRequest("orders", "sql-commit") { Fingerprint = "f" };
        var runs = 0;

        var first = await executor.ExecuteAsync(request, (tx, _) =>
        {
            runs++;
            var id = SqliteOrders.Place(tx, "sql-commit");
            Run(tx, "COMMIT");
            return ValueTask.FromResult(id);
        }, CancellationToken.None);
        var retry = await executor.ExecuteAsync(request, (tx, _) => ValueTask.FromResult(SqliteOrders.Place(tx, $"run-{++runs}")), CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, retry.Outcome);
        Assert.Equal(1, runs);
        Assert.Equal(1, orders.CountOrders());
        Assert.Equal(1, orders.CountRecords("status = 1"));
    }

    [Fact]
    public async Task ExecuteAsync_WorkRunsRollbackAsAStatement_NotCommittedNothingKeptAndARetryRuns()
    {
        await using var orders = await SqliteOrders.CreateAsync();
        var executor = orders.Executor();
        var request = new IdempotencyRequest("orders", "sql-rollback") { Fingerprint = "f" };

        await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(async () => await executor.ExecuteAsync(request, (tx, _) =>
        {
            var id = SqliteOrders.Place(tx, "sql-rollback");
            Run(tx, "ROLLBACK");
            return ValueTask.FromResult(id);
        }, CancellationToken.None));

        Assert.Equal(0, orders.CountOrders());
        Assert.Equal(0, orders.CountRecords());
        var retry = await executor.ExecuteAsync(request, (tx, _) => ValueTask.FromResult(SqliteOrders.Place(tx, "sql-rollback")), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(1, orders.CountOrders());
    }

    private static void Run(SqliteTransaction transaction, string sql)
    {
        using var command = new SqliteCommand(sql, transaction.Connection, transaction);
        command.ExecuteNonQuery();
    }
}
