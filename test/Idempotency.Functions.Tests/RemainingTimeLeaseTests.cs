namespace Idempotency.Functions.Tests;

public sealed class RemainingTimeLeaseTests
{
    private static FunctionHarness Harness() => new(o => o.AddPolicy("reward-processing", p =>
    {
        p.KeyExpression = "rewardId";
        p.Ttl = TimeSpan.FromDays(7);
        p.ConfigurePolicy = e => e.Lease = TimeSpan.FromMinutes(5);
    }));

    [Fact]
    public async Task InvokeAsync_InvocationTimesOut_RetryRightAfterTheTimeoutRunsAtOnce()
    {
        var harness = Harness();
        var counter = new Counter();
        var hung = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = harness.Functions.CreateHandler<Reward, string>("reward-processing", (evt, ct) => counter.Increment() == 1 ? hung.Task : Task.FromResult("awarded by the retry"));
        var evt = new Reward("r-1", 50);

        // The first invocation has 3 s left and never finishes: the runtime will stop it at its timeout.
        var timedOut = handler.ExecuteAsync(evt, () => TimeSpan.FromSeconds(3), CancellationToken.None).AsTask();
        Assert.Equal(TimeSpan.FromSeconds(3), harness.Store.Claims.Single().Lease);

        harness.FakeClock.Advance(TimeSpan.FromSeconds(2.9));
        await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => handler.InvokeAsync(evt, () => TimeSpan.FromSeconds(30), CancellationToken.None));

        // The platform's retry arrives just after the timeout: the key is free, not held for the policy's 5-minute lease.
        harness.FakeClock.Advance(TimeSpan.FromSeconds(0.1));
        var retry = await handler.ExecuteAsync(evt, () => TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal("awarded by the retry", retry.Value);
        Assert.Equal(2, counter.Runs);

        // Had the timed-out run somehow finished late, fencing keeps it from overwriting the retry's record.
        hung.SetResult("late");
        var late = await timedOut;
        Assert.True(late.LeaseLost);
        Assert.Equal("awarded by the retry", await handler.InvokeAsync(evt, null, CancellationToken.None));
    }

    [Fact]
    public async Task InvokeAsync_WithoutRemainingTime_AStuckRunHoldsTheKeyForThePolicyLease()
    {
        var harness = Harness();
        var hung = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = harness.Functions.CreateHandler<Reward, string>("reward-processing", (evt, ct) => hung.Task);
        var evt = new Reward("r-1", 50);

        _ = handler.InvokeAsync(evt, null, CancellationToken.None);
        harness.FakeClock.Advance(TimeSpan.FromSeconds(3.1));

        // The comparison point: what a fixed lease (Powertools' in-progress expiry without the context) would do.
        await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => handler.InvokeAsync(evt, null, CancellationToken.None));
        Assert.Equal(TimeSpan.FromMinutes(5), harness.Store.Claims.First().Lease);
        hung.SetResult("done");
    }

    [Fact]
    public async Task InvokeAsync_LongInvocation_RenewsThePolicyLeaseButNeverPastTheDeadline()
    {
        var harness = Harness();
        var finish = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = harness.Functions.CreateHandler<Reward, string>("reward-processing", (evt, ct) => finish.Task);
        var start = harness.Clock.GetUtcNow();

        // 12 minutes left, a 5-minute lease renewed every 100 s: each renewal asks for 5 more minutes until that would
        // pass the deadline; at 500 s it asks only up to the deadline (12 min), and after that there is nothing to renew.
        var run = handler.InvokeAsync(new Reward("r-1", 50), () => TimeSpan.FromMinutes(12), CancellationToken.None);
        Assert.Equal(TimeSpan.FromMinutes(5), harness.Store.Claims.Single().Lease);
        for (var i = 0; i < 8; i++)
        {
            harness.FakeClock.Advance(TimeSpan.FromSeconds(100));
            await WaitForAsync(() => harness.Store.Renewals.Count >= Math.Min(i + 1, 5));
        }

        var record = await harness.LastRecordAsync();
        finish.SetResult("done");
        await run;

        Assert.Equal(
            [(100, 300), (200, 300), (300, 300), (400, 300), (500, 220)],
            harness.Store.Renewals.Select(r => ((int)(r.Now - start).TotalSeconds, (int)r.Lease.TotalSeconds)));
        Assert.Equal(start + TimeSpan.FromMinutes(12), record!.LeaseExpiresAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1000)]
    public async Task InvokeAsync_NoTimeLeft_ThrowsBeforeClaimingOrRunning(int remainingMilliseconds)
    {
        var harness = Harness();
        var runs = 0;
        var handler = harness.Functions.CreateHandler<Reward, int>("reward-processing", (evt, ct) => Task.FromResult(++runs));

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await handler.ExecuteAsync(new Reward("r-1", 50), () => TimeSpan.FromMilliseconds(remainingMilliseconds), CancellationToken.None));
        var manual = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await harness.Functions.BeginAsync("reward-processing", new Reward("r-1", 50), () => TimeSpan.Zero, CancellationToken.None));

        Assert.Equal("remainingTime", error.ParamName);
        Assert.Contains("no time left", manual.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs);
        Assert.Empty(harness.Store.Claims);
    }

    [Fact]
    public async Task InvokeAsync_AMillisecondLeft_ClaimsWithThatLease()
    {
        var harness = Harness();
        var handler = harness.Functions.CreateHandler<Reward, int>("reward-processing", (evt, ct) => Task.FromResult(1));

        var result = await handler.ExecuteAsync(new Reward("r-1", 50), () => TimeSpan.FromMilliseconds(1), CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.Equal(TimeSpan.FromMilliseconds(1), harness.Store.Claims.Single().Lease);
    }

    [Fact]
    public async Task InvokeAsync_RemainingTimeCallbackThrows_ItsExceptionPropagatesBeforeAnythingIsClaimed()
    {
        var harness = Harness();
        var runs = 0;
        var handler = harness.Functions.CreateHandler<Reward, int>("reward-processing", (evt, ct) => Task.FromResult(++runs));
        var disposed = new ObjectDisposedException("context");

        var thrown = await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
            await handler.ExecuteAsync(new Reward("r-1", 50), () => throw disposed, CancellationToken.None));
        var manual = await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
            await harness.Functions.BeginAsync("reward-processing", new Reward("r-1", 50), () => throw disposed, CancellationToken.None));

        Assert.Same(disposed, thrown);
        Assert.Same(disposed, manual);
        Assert.Equal(0, runs);
        Assert.Empty(harness.Store.Claims);
    }

    [Fact]
    public async Task InvokeAsync_DuplicateWithLessTimeLeftThanTheWait_AnswersInProgressAtItsDeadline()
    {
        // The real clock: the engine's wait polls with Task.Delay on it.
        var harness = new FunctionHarness(
            o => o.AddPolicy("reward-processing", p =>
            {
                p.KeyExpression = "rewardId";
                p.ConfigurePolicy = e => e.InProgressWait = TimeSpan.FromSeconds(10);
            }),
            TimeProvider.System);
        var hung = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = harness.Functions.CreateHandler<Reward, int>("reward-processing", (evt, ct) => hung.Task);
        var first = handler.InvokeAsync(new Reward("r-1", 50), null, CancellationToken.None);

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => handler.InvokeAsync(new Reward("r-1", 50), () => TimeSpan.FromMilliseconds(500), CancellationToken.None));
        var waited = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        // It waited for its own 0.5 s, not for the policy's 10 s (generous bound for a loaded machine).
        Assert.InRange(waited, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
        hung.SetResult(1);
        Assert.Equal(1, await first);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    public sealed record Reward(string RewardId, int Xp);
}
