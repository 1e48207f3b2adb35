using System.Diagnostics;

namespace Idempotency.Sqlite.Transactions.Tests;

/// <summary>The plain-function API on SQLite: the claim, the caller's writes and the completion in one write transaction.</summary>
public sealed class TransactionalExecutorTests
{
    private const int Duplicates = 24;

    [Fact]
    public async Task ExecuteAsync_ConcurrentDuplicatesThatWait_OneOrderAndEveryOtherCallerReplaysIt()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var executor = database.Executor(o => o.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30));
        for (var round = 0; round < 5; round++)
        {
            var key = $"dup-{round}";
            var runs = 0;
            using var start = new Barrier(Duplicates);
            var results = await Task.WhenAll(Enumerable.Range(0, Duplicates).Select(_ => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await executor.ExecuteAsync(new IdempotencyRequest("orders", key) { Fingerprint = "same" }, async (tx, ct) =>
                {
                    Interlocked.Increment(ref runs);
                    var id = OrdersDatabase.Place(tx, key);
                    await Task.Delay(50, ct); // keep the transaction open while the duplicates arrive
                    return id;
                }, CancellationToken.None);
            })));

            Assert.Equal(1, runs);
            Assert.Equal(1, database.CountOrders(key));
            Assert.Single(results, r => r.Outcome == IdempotencyOutcome.Executed);
            Assert.Equal(Duplicates - 1, results.Count(r => r.IsReplayed));
            Assert.Single(results.Select(r => r.Value).Distinct());
        }
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrentDuplicatesWithoutWait_OneOrderAndTheOthersAreInProgressOrReplayed()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var executor = database.Executor();
        var runs = 0;
        using var start = new Barrier(Duplicates);
        var answers = await Task.WhenAll(Enumerable.Range(0, Duplicates).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            try
            {
                var result = await executor.ExecuteAsync(new IdempotencyRequest("orders", "dup") { Fingerprint = "same" }, async (tx, ct) =>
                {
                    Interlocked.Increment(ref runs);
                    var id = OrdersDatabase.Place(tx, "dup");
                    await Task.Delay(200, ct);
                    return id;
                }, CancellationToken.None);
                return result.Outcome.ToString();
            }
            catch (IdempotencyRequestInProgressException)
            {
                return "InProgress";
            }
        })));

        Assert.Equal(1, runs);
        Assert.Equal(1, database.CountOrders("dup"));
        Assert.Single(answers, a => a == nameof(IdempotencyOutcome.Executed));
        Assert.All(answers.Where(a => a != nameof(IdempotencyOutcome.Executed)), a => Assert.True(a is "InProgress" or nameof(IdempotencyOutcome.Replayed), a));
        Assert.Contains("InProgress", answers);
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrentRunsOfDifferentKeys_EachRunsOnceOneWriterAtATime()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var executor = database.Executor();
        var running = 0;
        var mostAtOnce = 0;

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("orders", $"k-{i}"), async (tx, ct) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref mostAtOnce, now);
                var id = OrdersDatabase.Place(tx, $"k-{i}");
                await Task.Delay(20, ct);
                Interlocked.Decrement(ref running);
                return id;
            }, CancellationToken.None))));

        Assert.All(results, r => Assert.Equal(IdempotencyOutcome.Executed, r.Outcome));
        Assert.Equal(16, database.CountOrders());
        Assert.Equal(16, database.CountRecords("status = 1"));
        Assert.Equal(1, mostAtOnce); // the file has one writer: the transactions ran one after another
    }

    [Fact]
    public async Task ExecuteAsync_HandlerThrowsAfterWriting_NoOrderNoRecordAndARetryRuns()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var executor = database.Executor();
        var request = new IdempotencyRequest("orders", "throws") { Fingerprint = "f" };
        var thrown = new InvalidOperationException("payment declined");

        var caught = await Assert.ThrowsAsync<InvalidOperationException>(async () => await executor.ExecuteAsync<long>(request, (tx, _) =>
        {
            OrdersDatabase.Place(tx, "throws");
            throw thrown;
        }, CancellationToken.None));

        Assert.Same(thrown, caught);
        Assert.Equal(0, database.CountOrders());
        Assert.Equal(0, database.CountRecords());
        var retry = await executor.ExecuteAsync(request, (tx, _) => ValueTask.FromResult(OrdersDatabase.Place(tx, "throws")), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(1, database.CountOrders());
        Assert.Equal(1, database.CountRecords("status = 1"));
    }

    [Fact]
    public async Task ExecuteAsync_SecondCall_ReplaysTheSameValueWithoutWriting()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var executor = database.Executor();
        var request = new IdempotencyRequest("orders", "replay") { Fingerprint = "f" };

        var first = await executor.ExecuteAsync(request, (tx, _) => ValueTask.FromResult(OrdersDatabase.Place(tx, "replay")), CancellationToken.None);
        var second = await executor.ExecuteAsync(request, (tx, _) => ValueTask.FromResult(OrdersDatabase.Place(tx, "replay")), CancellationToken.None);

        Assert.False(first.IsReplayed);
        Assert.True(second.IsReplayed);
        Assert.Equal(first.Value, second.Value);
        Assert.Equal(1, database.CountOrders());
    }

    [Fact]
    public async Task ExecuteAsync_KeyReusedWithAnotherFingerprint_KeyReusedAndNothingWritten()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var executor = database.Executor();
        await executor.ExecuteAsync(new IdempotencyRequest("orders", "k") { Fingerprint = "a" }, (tx, _) => ValueTask.FromResult(OrdersDatabase.Place(tx, "k")), CancellationToken.None);

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("orders", "k") { Fingerprint = "b" }, (tx, _) => ValueTask.FromResult(OrdersDatabase.Place(tx, "k")), CancellationToken.None));

        Assert.Equal(1, database.CountOrders());
    }

    [Fact]
    public async Task ExecuteAsync_OptionalKeyMissing_WritesAreCommittedWithoutARecord()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var executor = database.Executor(o => o.DefaultPolicy.KeyRequirement = KeyRequirement.Optional);

        var result = await executor.ExecuteAsync(new IdempotencyRequest("orders", null), (tx, _) => ValueTask.FromResult(OrdersDatabase.Place(tx, "none")), CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.ExecutedWithoutKey, result.Outcome);
        Assert.Equal(1, database.CountOrders());
        Assert.Equal(0, database.CountRecords());
    }

    [Fact]
    public async Task ExecuteAsync_StoreWriteInsideTheWork_FailsAtOnceInsteadOfWaitingForItsOwnLock()
    {
        using var database = await OrdersDatabase.CreateAsync();
        var plain = IdempotencyExecutor.Create(store: database.Store);
        var executor = new SqliteTransactionalExecutor(plain, database.Store);
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("orders", "outer") { Fingerprint = "f" }, async (tx, ct) =>
            {
                OrdersDatabase.Place(tx, "outer");
                return await plain.ExecuteAsync(new IdempotencyRequest("mail", "inner"), _ => ValueTask.FromResult(1), ct);
            }, CancellationToken.None));

        Assert.Contains("from inside the work of its own transaction", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}; the busy timeout is 30 s");
        Assert.Equal(0, database.CountOrders());
        Assert.Equal(0, database.CountRecords());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
