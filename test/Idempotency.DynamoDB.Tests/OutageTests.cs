using Idempotency.TestServers;

namespace Idempotency.DynamoDB.Tests;

/// <summary>A server that is gone, or a table that is missing: a typed exception, never "absent".</summary>
public sealed class OutageTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EveryOperation_ClosedPort_ThrowsStoreUnavailable()
    {
        using var client = DynaliteFixture.CreateClient($"http://127.0.0.1:{LoopbackPort.GetFree()}");
        var store = new DynamoDbIdempotencyStore(client);

        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () => await store.ClaimAsync(new("k", "o", "f", Now, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)), default));
        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () => await store.CompleteAsync("k", "o", new byte[] { 1 }, Now, TimeSpan.FromHours(1), default));
        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () => await store.FailAsync("k", "o", new byte[] { 1 }, false, Now, TimeSpan.FromHours(1), default));
        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () => await store.ReleaseAsync("k", "o", default));
        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () => await store.RenewAsync("k", "o", Now, TimeSpan.FromSeconds(1), default));
        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () => await store.GetAsync("k", Now, default));
        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () => await store.DeleteAsync("k", default));
        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () => await store.CountByStatusAsync(Now, default));
        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () => await store.CreateTableAsync(default));
    }

    [Fact]
    public async Task ClaimAsync_ServerKilledMidTest_ThrowsStoreUnavailableThenRecovers()
    {
        await using var server = new DynaliteServer();
        await server.InitializeAsync();
        using var client = DynaliteFixture.CreateClient(server.ServiceUrl);
        var store = new DynamoDbIdempotencyStore(client);
        await store.CreateTableAsync(default);
        Assert.True((await store.ClaimAsync(new("before", "o", "f", Now, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)), default)).IsAcquired);

        await server.StopAsync();
        var failure = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () =>
            await store.ClaimAsync(new("during", "o", "f", Now, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)), default));
        Assert.IsNotType<IdempotencyStoreMisconfiguredException>(failure);
        Assert.StartsWith("DynamoDB failed during claim", failure.Message, StringComparison.Ordinal);

        // dynalite comes back empty: the table is missing, which is a set-up problem, said as such.
        await server.StartAgainAsync();
        var missing = await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(async () =>
            await store.ClaimAsync(new("after", "o", "f", Now, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)), default));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        await store.CreateTableAsync(default);
        Assert.True((await store.ClaimAsync(new("after", "o", "f", Now, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)), default)).IsAcquired);
    }

    [Fact]
    public async Task ExecuteAsync_ServerDown_FailsClosedWithoutRunning()
    {
        using var client = DynaliteFixture.CreateClient($"http://127.0.0.1:{LoopbackPort.GetFree()}");
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "dynamodb-tests" }, new DynamoDbIdempotencyStore(client));
        var runs = 0;

        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () =>
            await executor.ExecuteAsync(new IdempotencyRequest("op", "key"), _ => { runs++; return ValueTask.FromResult(1); }, default));

        Assert.Equal(0, runs);
    }
}
