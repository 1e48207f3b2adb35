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

        // Claim: SET NX GET (takes the key, or returns the record holding it); complete: the owner-guarded script.
        Assert.Equal(["SET", "EVALSHA"], firstCommands);
        Assert.Equal(["SET"], replayCommands);
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

        // Claim needs no script; complete: EVALSHA answered NOSCRIPT, then EVAL reloaded it.
        Assert.Equal(["SET", "EVALSHA", "EVAL"], commands);
    }

    [Fact]
    public async Task ClaimAsync_DeadRecordStillInRedis_TakesOverWithClaimScript()
    {
        var store = redis.CreateStore(out _);
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await store.ClaimAsync(new IdempotencyClaimRequest("k", "crashed-owner", "fp", now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), CancellationToken.None);

        // The first owner crashed: its lease is over by the caller's clock, while Redis still holds the record.
        IdempotencyClaimResult takeover = default;
        var commands = await CommandCounter.RecordAsync(redis.Multiplexer, async () =>
            takeover = await store.ClaimAsync(new IdempotencyClaimRequest("k", "new-owner", "fp", now.AddSeconds(31), TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), CancellationToken.None));
        var record = await store.GetAsync("k", now.AddSeconds(31), CancellationToken.None);

        Assert.True(takeover.IsAcquired);
        Assert.Equal("new-owner", record!.OwnerToken);
        // SET NX GET returned the dead record; the claim script (sent as text: its first use here) took it over.
        Assert.Equal(["SET", "EVAL"], commands);
        Assert.False(await store.CompleteAsync("k", "crashed-owner", new byte[] { 1 }, now.AddSeconds(32), TimeSpan.FromHours(1), CancellationToken.None));
    }
}
