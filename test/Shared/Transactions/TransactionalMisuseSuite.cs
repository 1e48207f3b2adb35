using System.Data.Common;

namespace Idempotency.Transactions.Tests;

/// <summary>
/// Work that ends the transaction it was given (it must not): whatever it did, no later call with the same key runs the
/// work a second time, and no record stays in progress. Run once per store (test/Shared is compiled into each).
/// </summary>
public abstract class TransactionalMisuseSuite<TTransaction, TDatabase>
    where TTransaction : IIdempotencyTransaction<TDatabase>
{
    [Fact]
    public async Task ExecuteAsync_WorkCommitsTheTransactionItself_OneOrderAndTheRetryReplaysIt()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor();
        var request = new IdempotencyRequest("orders", "self-commit") { Fingerprint = "f" };
        var runs = 0;

        var first = await executor.ExecuteAsync(request, async (tx, ct) =>
        {
            runs++;
            var id = await orders.PlaceAsync(tx, "self-commit", ct);
            await Driver(tx).CommitAsync(ct);
            return id;
        }, CancellationToken.None);
        var retry = await executor.ExecuteAsync(request, async (tx, ct) =>
        {
            runs++;
            return await orders.PlaceAsync(tx, "self-commit", ct);
        }, CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, retry.Outcome);
        Assert.Equal(first.Value, retry.Value);
        Assert.Equal(1, runs);
        Assert.Equal(1, await orders.CountOrdersAsync());
        Assert.Equal(1, await orders.CountRecordsAsync(completed: true));
    }

    [Fact]
    public async Task ExecuteAsync_WorkRollsTheTransactionBackItself_NotCommittedNothingKeptAndARetryRuns()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor();
        var request = new IdempotencyRequest("orders", "self-rollback") { Fingerprint = "f" };

        await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(async () => await executor.ExecuteAsync(request, async (tx, ct) =>
        {
            var id = await orders.PlaceAsync(tx, "self-rollback", ct);
            await Driver(tx).RollbackAsync(ct);
            return id;
        }, CancellationToken.None));

        Assert.Equal(0, await orders.CountOrdersAsync());
        Assert.Equal(0, await orders.CountRecordsAsync());
        var retry = await executor.ExecuteAsync(request, (tx, ct) => orders.PlaceAsync(tx, "self-rollback", ct), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(1, await orders.CountOrdersAsync());
        Assert.Equal(1, await orders.CountRecordsAsync(completed: true));
    }

    [Fact]
    public async Task ExecuteAsync_WorkDisposesTheTransaction_NotCommittedNothingKeptAndARetryRuns()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor();
        var request = new IdempotencyRequest("orders", "self-dispose") { Fingerprint = "f" };

        await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(async () => await executor.ExecuteAsync(request, async (tx, ct) =>
        {
            var id = await orders.PlaceAsync(tx, "self-dispose", ct);
            await Driver(tx).DisposeAsync();
            return id;
        }, CancellationToken.None));

        Assert.Equal(0, await orders.CountOrdersAsync());
        Assert.Equal(0, await orders.CountRecordsAsync());
        var retry = await executor.ExecuteAsync(request, (tx, ct) => orders.PlaceAsync(tx, "self-dispose", ct), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_WorkCommitsItselfThenThrows_TheExceptionAndNoRecordInProgress()
    {
        await using var orders = await CreateAsync();
        var executor = orders.Executor();
        var request = new IdempotencyRequest("orders", "commit-throw") { Fingerprint = "f" };
        var thrown = new InvalidOperationException("after the commit");

        var caught = await Assert.ThrowsAsync<InvalidOperationException>(async () => await executor.ExecuteAsync<long>(request, async (tx, ct) =>
        {
            await orders.PlaceAsync(tx, "commit-throw", ct);
            await Driver(tx).CommitAsync(ct);
            throw thrown;
        }, CancellationToken.None));

        Assert.Same(thrown, caught);
        Assert.Equal(0, await orders.CountRecordsAsync() - await orders.CountRecordsAsync(completed: true)); // nothing stays in progress
    }

    protected abstract Task<OrdersFixture<TTransaction, TDatabase>> CreateAsync();

    private static DbTransaction Driver(TDatabase transaction) => (DbTransaction)(object)transaction!;
}
