using Idempotency.TestServers;

namespace Idempotency.Npgsql.Tests;

/// <summary>A row the store cannot read is reported as corrupt, never as absent, and the handler does not run.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CorruptRecordTests(PostgresServer server)
{
    [Theory]
    [InlineData("status = 9")]
    [InlineData("status = -1")]
    [InlineData("payload = '\\xdeadbeef'")]
    public async Task ExecuteAsync_RowDamagedInTheTable_ThrowsCorruptAndDoesNotRunTheHandler(string damage)
    {
        await using var table = await PostgresTable.CreateAsync(server);
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), table.Store);
        var runs = 0;
        ValueTask<string> Handler(CancellationToken _)
        {
            Interlocked.Increment(ref runs);
            return ValueTask.FromResult("result");
        }

        var request = new IdempotencyRequest("orders", "key-1") { Fingerprint = "f" };
        await executor.ExecuteAsync(request, Handler, default);
        await table.ExecuteAsync($"UPDATE {{table}} SET {damage}");

        await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () => await executor.ExecuteAsync(request, Handler, default));
        Assert.Equal(1, runs);
        Assert.Equal(1, await table.CountAsync());
    }

    [Fact]
    public async Task GetAsync_UnknownStatus_ThrowsCorruptNamingTheKey()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        Assert.True((await table.Store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default)).IsAcquired);
        await table.ExecuteAsync("UPDATE {table} SET status = 9");

        var error = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () => await table.Store.GetAsync("k", Fixtures.Start, default));
        Assert.Equal("k", error.StoreKey);
        Assert.Contains("unknown status 9", error.Reason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () => await table.Store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default));
    }

    [Fact]
    public async Task ClaimAsync_UnknownStatusButExpired_TakesTheKeyOver()
    {
        // An expired row is dead whatever it holds: claiming overwrites it rather than failing forever.
        await using var table = await PostgresTable.CreateAsync(server);
        Assert.True((await table.Store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start, ttl: TimeSpan.FromMinutes(1)), default)).IsAcquired);
        await table.ExecuteAsync("UPDATE {table} SET status = 9");

        Assert.True((await table.Store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start.AddMinutes(2)), default)).IsAcquired);
    }
}
