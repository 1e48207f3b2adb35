using Idempotency.TestServers;

namespace Idempotency.Npgsql.Transactions.Tests;

/// <summary>The plain-function API: the claim, the caller's writes and the completion in one transaction.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TransactionalExecutorTests(PostgresServer server)
{
    private const int Duplicates = 24;

    [Fact]
    public async Task ExecuteAsync_ConcurrentDuplicatesThatWait_OneOrderAndEveryOtherCallerReplaysIt()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        var executor = table.Executor(o => o.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30));
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
                    var id = await table.PlaceAsync(tx, key, ct);
                    await Task.Delay(50, ct); // keep the transaction open while the duplicates arrive
                    return id;
                }, CancellationToken.None);
            })));

            Assert.Equal(1, runs);
            Assert.Equal(1, await table.CountOrdersAsync(key));
            Assert.Single(results, r => r.Outcome == IdempotencyOutcome.Executed);
            Assert.Equal(Duplicates - 1, results.Count(r => r.IsReplayed));
            Assert.Single(results.Select(r => r.Value).Distinct());
        }
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrentDuplicatesWithoutWait_OneOrderAndTheOthersAreInProgressOrReplayed()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        var executor = table.Executor();
        var key = "dup-nowait";
        var runs = 0;
        using var start = new Barrier(Duplicates);
        var answers = await Task.WhenAll(Enumerable.Range(0, Duplicates).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            try
            {
                var result = await executor.ExecuteAsync(new IdempotencyRequest("orders", key) { Fingerprint = "same" }, async (tx, ct) =>
                {
                    Interlocked.Increment(ref runs);
                    var id = await table.PlaceAsync(tx, key, ct);
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
        Assert.Equal(1, await table.CountOrdersAsync(key));
        Assert.Single(answers, a => a == nameof(IdempotencyOutcome.Executed));
        Assert.All(answers.Where(a => a != nameof(IdempotencyOutcome.Executed)), a => Assert.True(a is "InProgress" or nameof(IdempotencyOutcome.Replayed), a));
        var replay = await executor.ExecuteAsync(new IdempotencyRequest("orders", key) { Fingerprint = "same" }, (tx, ct) => table.PlaceAsync(tx, key, ct), CancellationToken.None);
        Assert.True(replay.IsReplayed);
        Assert.Equal(1, await table.CountOrdersAsync(key));
    }

    [Fact]
    public async Task ExecuteAsync_HandlerThrowsAfterWriting_NoOrderNoRecordAndARetryRuns()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        var executor = table.Executor();
        var request = new IdempotencyRequest("orders", "throws") { Fingerprint = "f" };
        var thrown = new InvalidOperationException("payment declined");

        var caught = await Assert.ThrowsAsync<InvalidOperationException>(async () => await executor.ExecuteAsync<long>(request, async (tx, ct) =>
        {
            await table.PlaceAsync(tx, "throws", ct);
            throw thrown;
        }, CancellationToken.None));

        Assert.Same(thrown, caught);
        Assert.Equal(0, await table.CountOrdersAsync());
        Assert.Equal(0, await table.Records.CountAsync());
        var retry = await executor.ExecuteAsync(request, (tx, ct) => table.PlaceAsync(tx, "throws", ct), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(1, await table.CountOrdersAsync());
        Assert.Equal(1, await table.Records.CountAsync("status = 1"));
    }

    [Fact]
    public async Task ExecuteAsync_SecondCall_ReplaysTheSameValueWithoutWriting()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        var executor = table.Executor();
        var request = new IdempotencyRequest("orders", "replay") { Fingerprint = "f" };

        var first = await executor.ExecuteAsync(request, (tx, ct) => table.PlaceAsync(tx, "replay", ct), CancellationToken.None);
        var second = await executor.ExecuteAsync(request, (tx, ct) => table.PlaceAsync(tx, "replay", ct), CancellationToken.None);

        Assert.False(first.IsReplayed);
        Assert.True(second.IsReplayed);
        Assert.Equal(first.Value, second.Value);
        Assert.Equal(1, await table.CountOrdersAsync());
    }

    [Fact]
    public async Task ExecuteAsync_KeyReusedWithAnotherFingerprint_KeyReusedAndNothingWritten()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        var executor = table.Executor();
        await executor.ExecuteAsync(new IdempotencyRequest("orders", "k") { Fingerprint = "a" }, (tx, ct) => table.PlaceAsync(tx, "k", ct), CancellationToken.None);

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("orders", "k") { Fingerprint = "b" }, (tx, ct) => table.PlaceAsync(tx, "k", ct), CancellationToken.None));

        Assert.Equal(1, await table.CountOrdersAsync());
    }

    [Fact]
    public async Task ExecuteAsync_CrashedClaimsLeaseEndedAndOtherFingerprint_KeyReusedAndTheSameRequestRuns()
    {
        // The transactional claim statement takes over a dead owner's row only for the same fingerprint, like the plain one.
        await using var table = await OrdersTable.CreateAsync(server);
        var executor = table.Executor();

        // A run claimed two minutes ago with a one-minute lease, then abandoned (its clock never moves, so nothing renews it).
        var crashedClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(2));
        var crashedRun = IdempotencyExecutor.Create(new IdempotencyOptions { DefaultPolicy = { Lease = TimeSpan.FromMinutes(1) } }, table.Store, crashedClock);
        var crashed = await crashedRun.BeginAsync(new IdempotencyRequest("orders", "crashed") { Fingerprint = "a" }, CancellationToken.None);
        Assert.Equal(IdempotencyClaimStatus.Acquired, crashed.Status);

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("orders", "crashed") { Fingerprint = "b" }, (tx, ct) => table.PlaceAsync(tx, "crashed", ct), CancellationToken.None));
        var recovered = await executor.ExecuteAsync(new IdempotencyRequest("orders", "crashed") { Fingerprint = "a" }, (tx, ct) => table.PlaceAsync(tx, "crashed", ct), CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Executed, recovered.Outcome);
        Assert.Equal(1, await table.CountOrdersAsync());
    }

    [Fact]
    public async Task ExecuteAsync_OptionalKeyMissing_WritesAreCommittedWithoutARecord()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        var executor = table.Executor(o => o.DefaultPolicy.KeyRequirement = KeyRequirement.Optional);

        var result = await executor.ExecuteAsync(new IdempotencyRequest("orders", null), (tx, ct) => table.PlaceAsync(tx, "none", ct), CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.ExecutedWithoutKey, result.Outcome);
        Assert.Equal(1, await table.CountOrdersAsync());
        Assert.Equal(0, await table.Records.CountAsync());
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
}
