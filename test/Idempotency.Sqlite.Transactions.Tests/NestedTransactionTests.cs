using System.Diagnostics;

namespace Idempotency.Sqlite.Transactions.Tests;

/// <summary>A transactional run begun inside the work of another on the same file, whose write lock that one holds.</summary>
public sealed class NestedTransactionTests
{
    [Fact]
    public async Task ExecuteAsync_TransactionalRunInsideTheWorkOfAnother_FailsAtOnceInsteadOfWaitingForItsOwnLock()
    {
        await using var orders = await SqliteOrders.CreateAsync();
        var executor = orders.Executor();
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("orders", "outer") { Fingerprint = "f" }, async (tx, ct) =>
            {
                SqliteOrders.Place(tx, "outer");
                return (await executor.ExecuteAsync(new IdempotencyRequest("orders", "inner"), (inner, _) => ValueTask.FromResult(SqliteOrders.Place(inner, "inner")), ct)).Value;
            }, CancellationToken.None));

        Assert.Contains("cannot begin a transaction on table", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}; the busy timeout is 30 s");
        Assert.Equal(0, orders.CountOrders());
        Assert.Equal(0, orders.CountRecords());
    }
}
