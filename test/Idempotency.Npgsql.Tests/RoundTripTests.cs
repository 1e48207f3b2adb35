using Idempotency.TestServers;

namespace Idempotency.Npgsql.Tests;

/// <summary>Round trips on the wire, counted by Npgsql's tracing: a first execution costs 2, a replay 1.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RoundTripTests(PostgresServer server)
{
    [Fact]
    public async Task ExecuteAsync_FirstExecutionThenReplay_TwoRoundTripsThenOne()
    {
        using var counter = new CommandCounter();
        await using var table = await PostgresTable.CreateAsync(server, configure: counter.Configure);
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), table.Store);
        var runs = 0;
        ValueTask<string> Handler(CancellationToken _)
        {
            Interlocked.Increment(ref runs);
            return ValueTask.FromResult("done");
        }

        await executor.ExecuteAsync(new IdempotencyRequest("orders", "warm-up") { Fingerprint = "f" }, Handler, default);
        counter.Reset();

        var first = await executor.ExecuteAsync(new IdempotencyRequest("orders", "key-1") { Fingerprint = "f" }, Handler, default);
        Assert.False(first.IsReplayed);
        Assert.Equal(2, counter.Count);

        counter.Reset();
        var replay = await executor.ExecuteAsync(new IdempotencyRequest("orders", "key-1") { Fingerprint = "f" }, Handler, default);
        Assert.True(replay.IsReplayed);
        Assert.Equal("done", replay.Value);
        Assert.Equal(1, counter.Count);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task ClaimAsync_KeyHeldByALiveRecord_OneRoundTripReturnsTheRecord()
    {
        using var counter = new CommandCounter();
        await using var table = await PostgresTable.CreateAsync(server, configure: counter.Configure);
        Assert.True((await table.Store.ClaimAsync(Fixtures.Claim("held", Fixtures.Start, owner: "first"), default)).IsAcquired);
        counter.Reset();

        var second = await table.Store.ClaimAsync(Fixtures.Claim("held", Fixtures.Start.AddSeconds(1)), default);

        Assert.Equal("first", second.Existing!.OwnerToken);
        Assert.Equal(1, counter.Count);
    }
}
