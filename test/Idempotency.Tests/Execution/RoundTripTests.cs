using Idempotency.Testing;

namespace Idempotency.Tests.Execution;

// SPEC §3.1-2 and §9: first execution 2 round trips, replay 1, replay from the local cache 0.
public sealed class RoundTripTests
{
    [Fact]
    public async Task ExecuteAsync_FirstExecution_MakesExactlyClaimAndComplete()
    {
        using var harness = new EngineHarness();
        var runs = 0;

        var result = await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => Interlocked.Increment(ref runs) * 10);

        Assert.Equal(1, runs);
        Assert.Equal(10, result.Value);
        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.False(result.IsReplayed);
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Claim));
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Complete));
        Assert.Equal(2, harness.Calls.TotalCount);
    }

    [Fact]
    public async Task ExecuteAsync_Replay_MakesExactlyOneClaim()
    {
        using var harness = new EngineHarness();
        var runs = 0;
        var request = new IdempotencyRequest("orders", "k1");
        await harness.RunAsync(request, () => Interlocked.Increment(ref runs) * 10);
        harness.Calls.Reset();

        var replay = await harness.RunAsync(request, () => Interlocked.Increment(ref runs) * 10);

        Assert.Equal(1, runs);
        Assert.Equal(10, replay.Value);
        Assert.True(replay.IsReplayed);
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Claim));
        Assert.Equal(1, harness.Calls.TotalCount);
    }

    [Fact]
    public async Task ExecuteAsync_ReplayWithLocalCache_MakesNoStoreCall()
    {
        using var harness = new EngineHarness(o => o.LocalCacheMaxEntries = 100);
        var runs = 0;
        var request = new IdempotencyRequest("orders", "k1");
        await harness.RunAsync(request, () => Interlocked.Increment(ref runs) * 10);
        Assert.Equal(2, harness.Calls.TotalCount);
        harness.Calls.Reset();

        for (var i = 0; i < 5; i++)
        {
            var replay = await harness.RunAsync(request, () => Interlocked.Increment(ref runs) * 10);
            Assert.Equal(10, replay.Value);
            Assert.True(replay.IsReplayed);
        }

        Assert.Equal(1, runs);
        Assert.Equal(0, harness.Calls.TotalCount);
    }

    [Fact]
    public async Task ExecuteAsync_VoidFirstExecutionThenReplay_MakesTwoThenOneCall()
    {
        using var harness = new EngineHarness();
        var runs = 0;
        var request = new IdempotencyRequest("orders", "k1");

        var first = await harness.Executor.ExecuteAsync(request, _ => { Interlocked.Increment(ref runs); return ValueTask.CompletedTask; }, CancellationToken.None);
        Assert.Equal(2, harness.Calls.TotalCount);
        harness.Calls.Reset();
        var second = await harness.Executor.ExecuteAsync(request, _ => { Interlocked.Increment(ref runs); return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, second.Outcome);
        Assert.Equal(1, harness.Calls.TotalCount);
    }

    [Fact]
    public async Task ExecuteAsync_WithoutDependencyInjection_RunsOnceAndReplays()
    {
        var store = new CountingIdempotencyStore(new InMemoryIdempotencyStore());
        var executor = IdempotencyExecutor.Create(store: store);
        var runs = 0;
        var request = new IdempotencyRequest("orders", "k1");

        var first = await executor.ExecuteAsync(request, _ => ValueTask.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None);
        var second = await executor.ExecuteAsync(request, _ => ValueTask.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None);

        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, second.Outcome);
        Assert.Equal(1, second.Value);
        Assert.Equal(3, store.TotalCount);
    }
}
