namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>Round trips counted on the wire: a first execution sends 2 commands, a replay 1.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStoreRoundTripTests(RedisFixture redis)
{
    [Fact]
    public async Task ExecuteAsync_FirstExecutionThenReplay_SendsTwoCommandsThenOne()
    {
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), redis.CreateStore(out _));
        var runs = 0;
        ValueTask<string> Handler(CancellationToken _)
        {
            Interlocked.Increment(ref runs);
            return ValueTask.FromResult("result");
        }

        // Loads the scripts (the first call of each script sends its text once).
        await executor.ExecuteAsync(new IdempotencyRequest("orders", "warm-up"), Handler, CancellationToken.None);

        IdempotencyResult<string> first = default;
        var firstCommands = await CommandCounter.RecordAsync(redis.Multiplexer, async () =>
            first = await executor.ExecuteAsync(new IdempotencyRequest("orders", "key-1"), Handler, CancellationToken.None));
        IdempotencyResult<string> replay = default;
        var replayCommands = await CommandCounter.RecordAsync(redis.Multiplexer, async () =>
            replay = await executor.ExecuteAsync(new IdempotencyRequest("orders", "key-1"), Handler, CancellationToken.None));

        Assert.Equal(["EVALSHA", "EVALSHA"], firstCommands);
        Assert.Equal(["EVALSHA"], replayCommands);
        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
        Assert.Equal("result", replay.Value);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task ClaimAsync_AfterScriptFlush_ReloadsScriptAndSucceeds()
    {
        var store = redis.CreateStore(out _);
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), store);
        var runs = 0;
        ValueTask<int> Handler(CancellationToken _) => ValueTask.FromResult(Interlocked.Increment(ref runs));
        await executor.ExecuteAsync(new IdempotencyRequest("orders", "before-flush"), Handler, CancellationToken.None);

        // What a server restart or failover does to the script cache.
        await redis.Database.ExecuteAsync("SCRIPT", "FLUSH");
        IdempotencyResult<int> after = default;
        var commands = await CommandCounter.RecordAsync(redis.Multiplexer, async () =>
            after = await executor.ExecuteAsync(new IdempotencyRequest("orders", "after-flush"), Handler, CancellationToken.None));
        var replay = await executor.ExecuteAsync(new IdempotencyRequest("orders", "after-flush"), Handler, CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Executed, after.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
        Assert.Equal(2, runs);
        Assert.Equal(2, replay.Value);

        // claim: EVALSHA answered NOSCRIPT, then EVAL; complete: the same (its script was flushed too).
        Assert.Equal(["EVALSHA", "EVAL", "EVALSHA", "EVAL"], commands);
    }
}
