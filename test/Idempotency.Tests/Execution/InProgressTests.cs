using Idempotency.Testing;

namespace Idempotency.Tests.Execution;

// SPEC §3.4: a key in flight answers 409 with retry-after, or, with a wait, polls until the first run ends.
public sealed class InProgressTests
{
    private static readonly IdempotencyRequest Request = new("orders", "k1");

    [Fact]
    public async Task ExecuteAsync_KeyInFlight_ThrowsInProgressWithPolicyRetryAfter()
    {
        using var harness = new EngineHarness(o =>
        {
            o.DefaultPolicy.InProgressRetryAfter = TimeSpan.FromSeconds(7);
            o.DefaultPolicy.Lease = TimeSpan.FromSeconds(45);
        });
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);
        var runs = 0;

        var ex = await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Equal(EngineHarness.Start + TimeSpan.FromSeconds(45), ex.LeaseExpiresAt);
        Assert.Equal(harness.StoreKey("orders", "k1"), ex.StoreKey);
        first.Release();
        Assert.Equal(1, (await first.Task).Value);
        Assert.Equal(1, first.Runs);
    }

    [Fact]
    public async Task ExecuteAsync_WaitConfiguredAndFirstCompletes_WaiterReplaysFirstResult()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30));
        await using var first = await BlockedRun.StartAsync(harness, Request, 41);
        var runs = 0;
        harness.Calls.Reset();

        var waiter = Task.Run(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());
        await Waits.UntilAsync(() => harness.Calls.Count(IdempotencyStoreOperation.Claim) >= 1, "the waiter has found the key in progress");
        Assert.False(waiter.IsCompleted);

        first.Release();
        await first.Task.WithinLimit();
        await harness.Clock.AdvanceUntilCompletedAsync(waiter, TimeSpan.FromMilliseconds(50));
        var replay = await waiter;

        Assert.Equal(0, runs);
        Assert.Equal(1, first.Runs);
        Assert.True(replay.IsReplayed);
        Assert.Equal(41, replay.Value);
        Assert.True(harness.Calls.Count(IdempotencyStoreOperation.Claim) >= 2);
    }

    [Fact]
    public async Task ExecuteAsync_WaitTimesOut_ThrowsInProgressAfterTheWait()
    {
        using var harness = new EngineHarness(o =>
        {
            o.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(2);
            o.DefaultPolicy.InProgressRetryAfter = TimeSpan.FromSeconds(3);
        });
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);
        var runs = 0;

        var waiter = Task.Run(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());
        await harness.Clock.AdvanceUntilCompletedAsync(waiter, TimeSpan.FromMilliseconds(100));

        var ex = await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => waiter);
        Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
        Assert.True(harness.Clock.GetUtcNow() - EngineHarness.Start >= TimeSpan.FromSeconds(2), "The waiter gave up before its wait elapsed.");
        Assert.Equal(0, runs);
        Assert.Equal(1, first.Runs);
    }

    [Fact]
    public async Task ExecuteAsync_LeaseDeadlineBeforeTheWaitEnds_GivesUpAtTheDeadline()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30));
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);
        var runs = 0;
        var duplicate = Request with { LeaseDeadline = EngineHarness.Start + TimeSpan.FromSeconds(2) };

        var waiter = Task.Run(() => harness.RunAsync(duplicate, () => Interlocked.Increment(ref runs)).AsTask());
        await harness.Clock.AdvanceUntilCompletedAsync(waiter, TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => waiter);
        var waited = harness.Clock.GetUtcNow() - EngineHarness.Start;
        Assert.True(waited >= TimeSpan.FromSeconds(2) && waited < TimeSpan.FromSeconds(3), $"The waiter gave up after {waited}, not at its deadline.");
        Assert.Equal(0, runs);
        first.Release();
        await first.Task.WithinLimit();
    }

    [Fact]
    public async Task ExecuteAsync_WaitingWhileFirstRunFails_WaiterTakesOverAndRuns()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30));
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);
        var runs = 0;
        harness.Calls.Reset();

        var waiter = Task.Run(() => harness.RunAsync(Request, () => 100 + Interlocked.Increment(ref runs)).AsTask());
        await Waits.UntilAsync(() => harness.Calls.Count(IdempotencyStoreOperation.Claim) >= 1, "the waiter has found the key in progress");

        first.Fail(new InvalidOperationException("first run failed"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.Task);
        await harness.Clock.AdvanceUntilCompletedAsync(waiter, TimeSpan.FromMilliseconds(50));
        var result = await waiter;

        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.Equal(101, result.Value);
        var record = await harness.ReadAsync("orders", "k1");
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
    }

    [Fact]
    public async Task ExecuteAsync_WaitingCallerCancels_ThrowsOperationCanceled()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.InProgressWait = TimeSpan.FromMinutes(5));
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);
        using var cancellation = new CancellationTokenSource();
        harness.Calls.Reset();

        var waiter = Task.Run(() => harness.Executor.ExecuteAsync(Request, _ => ValueTask.FromResult(2), cancellation.Token).AsTask());
        await Waits.UntilAsync(() => harness.Calls.Count(IdempotencyStoreOperation.Claim) >= 1, "the waiter has found the key in progress");
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WithinLimit());
        Assert.Equal(1, first.Runs);
    }
}
