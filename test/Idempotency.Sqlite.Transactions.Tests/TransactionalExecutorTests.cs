using System.Diagnostics;
using Idempotency.Transactions.Tests;
using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite.Transactions.Tests;

/// <summary>The plain-function and consumer API on SQLite (the shared suite), and what one writer per file means.</summary>
public sealed class TransactionalExecutorTests : TransactionalExecutorSuite<SqliteIdempotencyTransaction, SqliteTransaction>
{
    [Fact]
    public async Task ExecuteAsync_ConcurrentRunsOfDifferentKeys_EachRunsOnceOneWriterAtATime()
    {
        await using var orders = await SqliteOrders.CreateAsync();
        var executor = orders.Executor();
        var running = 0;
        var mostAtOnce = 0;

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("orders", $"k-{i}"), async (tx, ct) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref mostAtOnce, now);
                var id = SqliteOrders.Place(tx, $"k-{i}");
                await Task.Delay(20, ct);
                Interlocked.Decrement(ref running);
                return id;
            }, CancellationToken.None))));

        Assert.All(results, r => Assert.Equal(IdempotencyOutcome.Executed, r.Outcome));
        Assert.Equal(16, orders.CountOrders());
        Assert.Equal(16, orders.CountRecords("status = 1"));
        Assert.Equal(1, mostAtOnce); // the file has one writer: the transactions ran one after another
    }

    [Fact]
    public async Task ExecuteAsync_StoreWriteInsideTheWork_FailsAtOnceInsteadOfWaitingForItsOwnLock()
    {
        await using var orders = await SqliteOrders.CreateAsync();
        var plain = IdempotencyExecutor.Create(store: orders.Store);
        var executor = new SqliteTransactionalExecutor(plain, orders.Store);
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("orders", "outer") { Fingerprint = "f" }, async (tx, ct) =>
            {
                SqliteOrders.Place(tx, "outer");
                return await plain.ExecuteAsync(new IdempotencyRequest("mail", "inner"), _ => ValueTask.FromResult(1), ct);
            }, CancellationToken.None));

        Assert.Contains("from inside the work of its own transaction", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}; the busy timeout is 30 s");
        Assert.Equal(0, orders.CountOrders());
        Assert.Equal(0, orders.CountRecords());
    }

    [Fact]
    public async Task ExecuteAsync_WriteLockHeldElsewhereBeyondTheBusyTimeout_StoreUnavailableNothingRunsThenARetryRuns()
    {
        await using var orders = await SqliteOrders.CreateAsync(o => o.BusyTimeout = TimeSpan.FromSeconds(1));
        var executor = orders.Executor();
        var runs = 0;
        using var other = new SqliteConnection(orders.ConnectionString + ";Pooling=False"); // another process, as far as the store knows
        other.Open();
        using (var held = other.BeginTransaction(deferred: false))
        {
            var error = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () =>
                await executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), (tx, _) => ValueTask.FromResult(SqliteOrders.Place(tx, $"k-{Interlocked.Increment(ref runs)}")), CancellationToken.None));

            Assert.Contains("beyond the busy timeout", error.Message, StringComparison.Ordinal);
            held.Rollback();
        }

        var retry = await executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), (tx, _) => ValueTask.FromResult(SqliteOrders.Place(tx, $"k-{Interlocked.Increment(ref runs)}")), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(1, runs);
        Assert.Equal(1, orders.CountOrders());
    }

    protected override async Task<OrdersFixture<SqliteIdempotencyTransaction, SqliteTransaction>> CreateAsync() => await SqliteOrders.CreateAsync();

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
