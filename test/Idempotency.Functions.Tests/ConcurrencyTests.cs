namespace Idempotency.Functions.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task InvokeAsync_FiveConcurrentIdenticalInvocations_RunOnceAndAllGetTheSameResult()
    {
        // Real clock and real threads: the waiting callers poll the store until the first run completes.
        var harness = new FunctionHarness(
            o => o.AddPolicy("quest-creation", p =>
            {
                p.KeyExpression = "from_json(body).questId";
                p.ConfigurePolicy = e => e.InProgressWait = TimeSpan.FromSeconds(30);
            }),
            TimeProvider.System);
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<string, string>("quest-creation", async (evt, ct) =>
        {
            var run = counter.Increment();
            await Task.Delay(200, ct);
            return $"quest created by run {run} ({Guid.NewGuid():N})";
        });
        var evt = Events.ApiGateway("""{"questId":"q-concurrent"}""");

        using var start = new Barrier(5);
        var invocations = Enumerable.Range(0, 5).Select(i => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                return handler.ExecuteAsync(evt, () => TimeSpan.FromMinutes(1), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            },
            TaskCreationOptions.LongRunning)).ToArray();
        var results = await Task.WhenAll(invocations);

        Assert.Equal(1, counter.Runs);
        Assert.Single(results.Select(r => r.Value).Distinct());
        Assert.Equal(1, results.Count(r => r.Outcome == IdempotencyOutcome.Executed));
        Assert.Equal(4, results.Count(r => r.Outcome == IdempotencyOutcome.Replayed));
    }

    [Fact]
    public async Task InvokeAsync_ConcurrentDuplicateWithoutWait_IsInProgressWithTheOwnersLeaseEnd()
    {
        var harness = new FunctionHarness(o => o.AddPolicy("quest-creation", "from_json(body).questId", TimeSpan.FromHours(24)));
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<string, int>("quest-creation", (evt, ct) =>
        {
            counter.Increment();
            return release.Task;
        });
        var evt = Events.ApiGateway("""{"questId":"q-1"}""");
        var started = harness.Clock.GetUtcNow();

        var first = handler.InvokeAsync(evt, () => TimeSpan.FromSeconds(15), CancellationToken.None);
        var busy = await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => handler.InvokeAsync(evt, () => TimeSpan.FromSeconds(15), CancellationToken.None));
        release.SetResult(7);

        Assert.Equal(7, await first);
        Assert.Equal(1, counter.Runs);
        Assert.Equal(started + TimeSpan.FromSeconds(15), busy.LeaseExpiresAt);
    }
}
