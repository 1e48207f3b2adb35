using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Idempotency.Sqlite.Transactions.Tests;

/// <summary>A transaction that cannot commit keeps nothing: no order, no record, and the key runs again on retry.</summary>
public sealed class CommitFailureTests
{
    [Fact]
    public async Task ExecuteAsync_DeferredForeignKeyViolatedAtCommit_NotCommittedKeepsNothingAndARetryRuns()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var executor = database.Executor();
        var request = new IdempotencyRequest("orders", "deferred") { Fingerprint = "f" };

        // The line points at an order that never exists: only the commit checks it.
        var failure = await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(async () => await executor.ExecuteAsync(request, (tx, _) =>
        {
            var id = OrdersDatabase.Place(tx, "deferred");
            OrdersDatabase.AddLineOfNoOrder(tx);
            return ValueTask.FromResult(id);
        }, CancellationToken.None));

        Assert.Equal(787, Assert.IsType<SqliteException>(failure.InnerException).SqliteExtendedErrorCode); // SQLITE_CONSTRAINT_FOREIGNKEY
        Assert.Equal(0, database.CountOrders());
        Assert.Equal(0, database.CountRecords());

        var retry = await executor.ExecuteAsync(request, (tx, _) => ValueTask.FromResult(OrdersDatabase.Place(tx, "deferred")), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(1, database.CountOrders());
        Assert.Equal(1, database.CountRecords("status = 1"));
    }

    [Fact]
    public async Task ExecuteAsync_CommitFails_CountedNotCommittedNotLeaseLost()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var services = new ServiceCollection().AddMetrics();
        services.AddIdempotency().AddSqliteStore(o => o.ConnectionString = database.ConnectionString).AddSqliteTransactions();
        await using var provider = services.BuildServiceProvider();
        using var requests = new MetricCollector<long>(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), IdempotencyTelemetry.Name, IdempotencyTelemetry.RequestsInstrument);
        var executor = provider.GetRequiredService<SqliteTransactionalExecutor>();

        await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(async () => await executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), (tx, _) =>
        {
            OrdersDatabase.AddLineOfNoOrder(tx);
            return ValueTask.CompletedTask;
        }, CancellationToken.None));

        var outcomes = requests.GetMeasurementSnapshot().Select(m => (string?)m.Tags[IdempotencyTelemetry.OutcomeTag]).ToList();
        Assert.Equal(["not_committed"], outcomes);
    }

    [Fact]
    public async Task ExecuteAsync_OptionalKeyMissingAndCommitFails_NotCommittedAndNothingKept()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var executor = database.Executor(o => o.DefaultPolicy.KeyRequirement = KeyRequirement.Optional);

        await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(async () => await executor.ExecuteAsync(new IdempotencyRequest("orders", null), (tx, _) =>
        {
            OrdersDatabase.Place(tx, "none");
            OrdersDatabase.AddLineOfNoOrder(tx);
            return ValueTask.CompletedTask;
        }, CancellationToken.None));

        Assert.Equal(0, database.CountOrders());
        Assert.Equal(0, database.CountRecords());
    }
}
