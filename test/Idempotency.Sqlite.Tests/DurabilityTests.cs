using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Idempotency.Sqlite.Tests;

/// <summary>Records outlive the store object (a restart), and the DI registration validates its options at start-up.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly SqliteFile _file = new();

    [Fact]
    public async Task ExecuteAsync_StoreReopenedOnTheSameFile_ReplaysWithoutRunningAgain()
    {
        var runs = 0;
        ValueTask<string> Handler(CancellationToken _) => ValueTask.FromResult($"order-{Interlocked.Increment(ref runs)}");
        var request = new IdempotencyRequest("orders", "key-1") { Fingerprint = "f" };

        using (var first = _file.CreateStore())
        {
            var executed = await IdempotencyExecutor.Create(new IdempotencyOptions(), first).ExecuteAsync(request, Handler, default);
            Assert.False(executed.IsReplayed);
        }

        using var second = _file.CreateStore();
        var replay = await IdempotencyExecutor.Create(new IdempotencyOptions(), second).ExecuteAsync(request, Handler, default);

        Assert.True(replay.IsReplayed);
        Assert.Equal("order-1", replay.Value);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ExecuteAsync_FirstExecutionThenReplay_TwoStoreCallsThenOne()
    {
        using var store = _file.CreateStore();
        var counting = new CountingIdempotencyStore(store);
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), counting);
        var request = new IdempotencyRequest("orders", "key-1") { Fingerprint = "f" };

        await executor.ExecuteAsync(request, _ => ValueTask.FromResult(1), default);
        Assert.Equal(2, counting.TotalCount);
        await executor.ExecuteAsync(request, _ => ValueTask.FromResult(2), default);
        Assert.Equal(3, counting.TotalCount);
    }

    [Fact]
    public async Task AddSqliteStore_InvalidOptions_FailsAtStartNamingTheProblem()
    {
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddIdempotency().AddSqliteStore(o => o.ConnectionString = "Data Source=:memory:"))
            .Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("in-memory store", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSqliteStore_ConnectionString_StartsWithTheTableReadyAndReplacesTheInMemoryStore()
    {
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddIdempotency().AddSqliteStore(_file.ConnectionString))
            .Build();

        await host.StartAsync();
        Assert.IsType<SqliteIdempotencyStore>(host.Services.GetRequiredService<IIdempotencyStore>());
        Assert.Equal(1L, _file.Scalar("SELECT version FROM idempotency_schema"));
        await host.StopAsync();
    }

    public void Dispose() => _file.Dispose();
}
