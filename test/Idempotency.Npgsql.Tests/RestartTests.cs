using Idempotency.TestServers;

namespace Idempotency.Npgsql.Tests;

/// <summary>
/// After a server restart every pooled connection is dead (the server terminated it, 57P01). The first call must not
/// pay for that with a 503: a claim or read that fails on such a connection runs once more on a fresh one, which is safe
/// because a claim repeated with its own owner token recognises its own row as its acquisition.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RestartTests(PostgresServer server)
{
    [Fact]
    public async Task ClaimAsync_RepeatedWithTheSameOwnerToken_RecognisesItsOwnAcquisition()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        var claim = Fixtures.Claim("k", Fixtures.Start, owner: "owner-1");
        Assert.True((await table.Store.ClaimAsync(claim, default)).IsAcquired);

        var repeated = await table.Store.ClaimAsync(claim with { Now = Fixtures.Start.AddSeconds(1) }, default);
        var other = await table.Store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start.AddSeconds(1), owner: "owner-2"), default);

        Assert.True(repeated.IsAcquired);
        Assert.False(other.IsAcquired);
        Assert.Equal("owner-1", other.Existing!.OwnerToken);
        Assert.Equal(1, await table.CountAsync());
    }

    [Fact]
    public async Task ClaimAsync_CompletedWithTheSameOwnerToken_IsNotAcquiredAgain()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        var claim = Fixtures.Claim("k", Fixtures.Start, owner: "owner-1");
        Assert.True((await table.Store.ClaimAsync(claim, default)).IsAcquired);
        Assert.True(await table.Store.CompleteAsync("k", "owner-1", new byte[] { 1 }, Fixtures.Start, TimeSpan.FromHours(1), default));

        var repeated = await table.Store.ClaimAsync(claim, default);

        Assert.False(repeated.IsAcquired);
        Assert.Equal(IdempotencyRecordStatus.Completed, repeated.Existing!.Status);
    }

    [Fact]
    public async Task ExecuteAsync_FirstCallsAfterAServerRestart_AcquireAndRunOnce()
    {
        // Several pooled connections, all of which the restart kills.
        await using var table = await PostgresTable.CreateAsync(server);
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), table.Store);
        var runs = 0;
        ValueTask<int> Handler(CancellationToken _) => ValueTask.FromResult(Interlocked.Increment(ref runs));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => executor.ExecuteAsync(new IdempotencyRequest("orders", $"warm-{i}"), Handler, default).AsTask()));
        var warm = Volatile.Read(ref runs);

        try
        {
            await server.StopAsync();
            await server.StartAgainAsync();

            // As many callers at once as there are dead connections in the pool.
            var first = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => executor.ExecuteAsync(new IdempotencyRequest("orders", $"after-{i}"), Handler, default).AsTask()));
            var replays = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => executor.ExecuteAsync(new IdempotencyRequest("orders", $"after-{i}"), Handler, default).AsTask()));

            Assert.All(first, result => Assert.Equal(IdempotencyOutcome.Executed, result.Outcome));
            Assert.All(replays, result => Assert.Equal(IdempotencyOutcome.Replayed, result.Outcome));
            Assert.Equal(warm + 4, Volatile.Read(ref runs));
            Assert.Equal(warm + 4, await table.CountAsync("status = 1"));
        }
        finally
        {
            await server.StartAgainAsync();
        }
    }

    [Fact]
    public async Task GetAsync_FirstReadAfterAServerRestart_Answers()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        Assert.True((await table.Store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default)).IsAcquired);

        try
        {
            await server.StopAsync();
            await server.StartAgainAsync();

            var record = await table.Store.GetAsync("k", Fixtures.Start, default);

            Assert.Equal(IdempotencyRecordStatus.InProgress, record!.Status);
        }
        finally
        {
            await server.StartAgainAsync();
        }
    }
}
