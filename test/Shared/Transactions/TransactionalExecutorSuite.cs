using System.Text;
using Idempotency.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Idempotency.Transactions.Tests;

/// <summary>
/// The transactional API of a store, for functions and consumers: the claim, the caller's writes and the completion in
/// one transaction. One suite, run once per store by a subclass that only says how to create its <see cref="OrdersFixture{TTransaction, TDatabase}"/>.
/// </summary>
public abstract class TransactionalExecutorSuite<TTransaction, TDatabase>
    where TTransaction : IIdempotencyTransaction<TDatabase>
{
    private const int Duplicates = 24;

    [Fact]
    public async Task ExecuteAsync_ConcurrentDuplicatesThatWait_OneOrderAndEveryOtherCallerReplaysIt()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor(o => o.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30));
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
                    var id = await orders.PlaceAsync(tx, key, ct);
                    await Task.Delay(50, ct); // keep the transaction open while the duplicates arrive
                    return id;
                }, CancellationToken.None);
            })));

            Assert.Equal(1, runs);
            Assert.Equal(1, await orders.CountOrdersAsync(key));
            Assert.Single(results, r => r.Outcome == IdempotencyOutcome.Executed);
            Assert.Equal(Duplicates - 1, results.Count(r => r.IsReplayed));
            Assert.Single(results.Select(r => r.Value).Distinct());
        }
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrentDuplicatesWithoutWait_OneOrderAndTheOthersAreInProgressOrReplayed()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor();
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
                    var id = await orders.PlaceAsync(tx, "dup", ct);
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
        Assert.Equal(1, await orders.CountOrdersAsync("dup"));
        Assert.Single(answers, a => a == nameof(IdempotencyOutcome.Executed));
        Assert.All(answers.Where(a => a != nameof(IdempotencyOutcome.Executed)), a => Assert.True(a is "InProgress" or nameof(IdempotencyOutcome.Replayed), a));
        Assert.Contains("InProgress", answers);
        var replay = await executor.ExecuteAsync(new IdempotencyRequest("orders", "dup") { Fingerprint = "same" }, (tx, ct) => orders.PlaceAsync(tx, "dup", ct), CancellationToken.None);
        Assert.True(replay.IsReplayed);
        Assert.Equal(1, await orders.CountOrdersAsync("dup"));
    }

    [Fact]
    public async Task ExecuteAsync_HandlerThrowsAfterWriting_NoOrderNoRecordAndARetryRuns()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor();
        var request = new IdempotencyRequest("orders", "throws") { Fingerprint = "f" };
        var thrown = new InvalidOperationException("payment declined");

        var caught = await Assert.ThrowsAsync<InvalidOperationException>(async () => await executor.ExecuteAsync<long>(request, async (tx, ct) =>
        {
            await orders.PlaceAsync(tx, "throws", ct);
            throw thrown;
        }, CancellationToken.None));

        Assert.Same(thrown, caught);
        await AssertNothingKeptThenARetryRunsAsync(orders, executor, request);
    }

    [Fact]
    public async Task ExecuteAsync_DeferredForeignKeyViolatedAtCommit_NotCommittedKeepsNothingAndARetryRuns()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor();
        var request = new IdempotencyRequest("orders", "deferred") { Fingerprint = "f" };

        // The line points at an order that never exists: only the commit checks it.
        var failure = await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(async () => await executor.ExecuteAsync(request, async (tx, ct) =>
        {
            var id = await orders.PlaceAsync(tx, "deferred", ct);
            await orders.BreakTheCommitAsync(tx, ct);
            return id;
        }, CancellationToken.None));

        Assert.True(orders.IsForeignKeyViolation(failure.InnerException), failure.InnerException?.ToString());
        await AssertNothingKeptThenARetryRunsAsync(orders, executor, request);
    }

    [Fact]
    public async Task ExecuteAsync_CommitFails_CountedNotCommittedNotLeaseLost()
    {
        await using var orders = await CreateAsync();
        await using var provider = orders.Services().BuildServiceProvider();
        using var requests = new MetricCollector<long>(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), IdempotencyTelemetry.Name, IdempotencyTelemetry.RequestsInstrument);
        var executor = orders.Executor(provider);

        await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), (tx, ct) => orders.BreakTheCommitAsync(tx, ct), CancellationToken.None));

        Assert.Equal(["not_committed"], requests.GetMeasurementSnapshot().Select(m => (string?)m.Tags[IdempotencyTelemetry.OutcomeTag]));
    }

    [Fact]
    public async Task ExecuteAsync_SecondCall_ReplaysTheSameValueWithoutWriting()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor();
        var request = new IdempotencyRequest("orders", "replay") { Fingerprint = "f" };

        var first = await executor.ExecuteAsync(request, (tx, ct) => orders.PlaceAsync(tx, "replay", ct), CancellationToken.None);
        var second = await executor.ExecuteAsync(request, (tx, ct) => orders.PlaceAsync(tx, "replay", ct), CancellationToken.None);

        Assert.False(first.IsReplayed);
        Assert.True(second.IsReplayed);
        Assert.Equal(first.Value, second.Value);
        Assert.Equal(1, await orders.CountOrdersAsync());
    }

    [Fact]
    public async Task ExecuteAsync_KeyReusedWithAnotherFingerprint_KeyReusedAndNothingWritten()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor();
        await executor.ExecuteAsync(new IdempotencyRequest("orders", "k") { Fingerprint = "a" }, (tx, ct) => orders.PlaceAsync(tx, "k", ct), CancellationToken.None);

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("orders", "k") { Fingerprint = "b" }, (tx, ct) => orders.PlaceAsync(tx, "k", ct), CancellationToken.None));

        Assert.Equal(1, await orders.CountOrdersAsync());
    }

    [Fact]
    public async Task ExecuteAsync_CrashedClaimsLeaseEndedAndOtherFingerprint_KeyReusedAndTheSameRequestRuns()
    {
        // The transactional claim takes over a dead owner's record only for the same fingerprint, like the plain one.
        await using var orders = await CreateAsync();
        var executor = orders.Executor();

        // A run claimed two minutes ago with a one-minute lease, then abandoned (its clock never moves, so nothing renews it).
        var crashedClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(2));
        var crashedRun = IdempotencyExecutor.Create(new IdempotencyOptions { DefaultPolicy = { Lease = TimeSpan.FromMinutes(1) } }, orders.Store, crashedClock);
        var crashed = await crashedRun.BeginAsync(new IdempotencyRequest("orders", "crashed") { Fingerprint = "a" }, CancellationToken.None);
        Assert.Equal(IdempotencyClaimStatus.Acquired, crashed.Status);

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("orders", "crashed") { Fingerprint = "b" }, (tx, ct) => orders.PlaceAsync(tx, "crashed", ct), CancellationToken.None));
        var recovered = await executor.ExecuteAsync(new IdempotencyRequest("orders", "crashed") { Fingerprint = "a" }, (tx, ct) => orders.PlaceAsync(tx, "crashed", ct), CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Executed, recovered.Outcome);
        Assert.Equal(1, await orders.CountOrdersAsync());
    }

    [Fact]
    public async Task ExecuteAsync_OptionalKeyMissing_WritesAreCommittedWithoutARecord()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor(o => o.DefaultPolicy.KeyRequirement = KeyRequirement.Optional);

        var result = await executor.ExecuteAsync(new IdempotencyRequest("orders", null), (tx, ct) => orders.PlaceAsync(tx, "none", ct), CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.ExecutedWithoutKey, result.Outcome);
        Assert.Equal(1, await orders.CountOrdersAsync());
        Assert.Equal(0, await orders.CountRecordsAsync());
    }

    [Fact]
    public async Task ExecuteAsync_OptionalKeyMissingAndCommitFails_NotCommittedAndNothingKept()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor(o => o.DefaultPolicy.KeyRequirement = KeyRequirement.Optional);

        await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(async () => await executor.ExecuteAsync(new IdempotencyRequest("orders", null), async (tx, ct) =>
        {
            await orders.PlaceAsync(tx, "none", ct);
            await orders.BreakTheCommitAsync(tx, ct);
        }, CancellationToken.None));

        Assert.Equal(0, await orders.CountOrdersAsync());
        Assert.Equal(0, await orders.CountRecordsAsync());
    }

    [Fact]
    public async Task ProcessAsync_CommitFails_StoreUnavailableNotAcknowledgedAndTheRedeliveryProcessesOnce()
    {
        await using var orders = await CreateAsync();
        await using var provider = orders.Services(b => b.AddIdempotentConsumer()).BuildServiceProvider();
        var consumer = provider.GetRequiredService<IIdempotentConsumer>();

        var outcomes = new List<ProcessingResult>();
        foreach (var (attempt, breakTheCommit) in new[] { (1, true), (2, false), (3, true) })
        {
            // The transaction of the store the consumer uses: only its claims join it.
            var message = new InboundMessage("order.placed", Encoding.UTF8.GetBytes("{}")) { MessageId = "m-1", DeliveryAttempt = attempt };
            await using var transaction = await orders.BeginAsync(provider, CancellationToken.None);
            outcomes.Add(await consumer.ProcessAsync(message, "place-order", async (m, ct) =>
            {
                await orders.PlaceAsync(transaction.Transaction, m.MessageId!, ct);
                if (breakTheCommit)
                {
                    await orders.BreakTheCommitAsync(transaction.Transaction, ct);
                }
            }, CancellationToken.None));
        }

        // The first delivery's commit failed: nothing was kept, so it must come again; the second processed it once.
        Assert.Equal([MessageOutcome.StoreUnavailable, MessageOutcome.Processed, MessageOutcome.Duplicate], outcomes.Select(o => o.Outcome));
        Assert.False(outcomes[0].ShouldAcknowledge);
        Assert.IsType<IdempotencyTransactionNotCommittedException>(outcomes[0].Exception);
        Assert.Equal(1, await orders.CountOrdersAsync("m-1"));
        Assert.Equal(1, await orders.CountRecordsAsync(completed: true));
    }

    protected abstract Task<OrdersFixture<TTransaction, TDatabase>> CreateAsync();

    private static async Task AssertNothingKeptThenARetryRunsAsync(OrdersFixture<TTransaction, TDatabase> orders, TransactionalIdempotencyExecutor<TTransaction, TDatabase> executor, IdempotencyRequest request)
    {
        Assert.Equal(0, await orders.CountOrdersAsync());
        Assert.Equal(0, await orders.CountRecordsAsync());
        var retry = await executor.ExecuteAsync(request, (tx, ct) => orders.PlaceAsync(tx, request.Key!, ct), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(1, await orders.CountOrdersAsync());
        Assert.Equal(1, await orders.CountRecordsAsync(completed: true));
    }
}
