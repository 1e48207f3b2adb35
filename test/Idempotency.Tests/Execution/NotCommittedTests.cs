using Idempotency.Testing;

namespace Idempotency.Tests.Execution;

// A completion whose database transaction did not commit (a store throws IdempotencyTransactionNotCommittedException):
// nothing was kept, so it is neither retried nor counted as a lost lease, and the caller learns it.
public sealed class NotCommittedTests
{
    private static readonly IdempotencyRequest Request = new("orders", "k1");

    [Fact]
    public async Task ExecuteAsync_CompletionNotCommitted_ThrowsItOnceCountedNotCommittedNotLeaseLost()
    {
        using var harness = new EngineHarness();
        var reason = new InvalidOperationException("deferred constraint violated");
        harness.Faults.Throw(IdempotencyStoreOperation.Complete, () => new IdempotencyTransactionNotCommittedException(reason));

        var error = await Assert.ThrowsAsync<IdempotencyTransactionNotCommittedException>(() => harness.RunAsync(Request, () => 1).AsTask());

        Assert.Same(reason, error.InnerException);
        Assert.Contains("deferred constraint violated", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Complete)); // a write that can never land is not retried
        Assert.Equal(1, harness.CountOutcome("not_committed"));
        Assert.Equal(0, harness.CountOutcome("lease_lost"));
        Assert.Contains(harness.Logs.GetSnapshot(), log => log.Id.Name == "TransactionNotCommitted");
    }

    [Fact]
    public async Task CompleteAsync_ManualClaimNotCommitted_AnswersNotCommittedWithTheReasonAsStoreFailure()
    {
        using var harness = new EngineHarness();
        harness.Faults.Throw(IdempotencyStoreOperation.Complete, () => new IdempotencyTransactionNotCommittedException(null));
        await using var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        var completion = await claim.CompleteAsync(CancellationToken.None);

        Assert.Equal(IdempotencyCompletion.NotCommitted, completion);
        Assert.IsType<IdempotencyTransactionNotCommittedException>(claim.StoreFailure);
        Assert.False(claim.LeaseLost);
    }
}
