using System.Diagnostics;
using Idempotency.TestServers;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>The server goes away mid-run and comes back on the same port: fail closed, then recover without a restart.</summary>
public sealed class RedisStoreOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMilliseconds(500);

    // The multiplexer notices timeouts on its heartbeat (1 s by default), so a call can take timeout + one heartbeat.
    // 2 s was missed once by 80 ms on a fresh clone (2-core machine, other test projects running): the first call of the outage also waits out the dropped connection.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(4);

    private readonly RedisServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task ExecuteAsync_ServerStoppedThenStarted_FailsClosedThenRecovers()
    {
        var configuration = ConfigurationOptions.Parse(_server.ConnectionString);
        configuration.AbortOnConnectFail = false;
        configuration.SyncTimeout = (int)CommandTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)CommandTimeout.TotalMilliseconds;
        configuration.ConnectTimeout = 1000;
        configuration.ConnectRetry = 3;
        configuration.ReconnectRetryPolicy = new LinearRetry(200);
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), new RedisIdempotencyStore(multiplexer));
        var runs = new HandlerRuns();
        Assert.Equal(IdempotencyOutcome.Executed, (await executor.ExecuteAsync(new IdempotencyRequest("orders", "before"), runs.Handler, CancellationToken.None)).Outcome);

        await _server.StopAsync();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() =>
                executor.ExecuteAsync(new IdempotencyRequest("orders", $"during-{i}"), runs.Handler, CancellationToken.None).AsTask());
            output.WriteLine($"call {i} during the outage failed after {watch.Elapsed.TotalMilliseconds:F0} ms: {error.InnerException?.GetType().Name}");
            Assert.True(watch.Elapsed < CommandTimeout + Margin, $"call {i} took {watch.Elapsed}");
            Assert.True(error.InnerException is RedisException or RedisTimeoutException, error.ToString());
        }

        Assert.Equal(1, runs.Count);

        await _server.StartAgainAsync();
        var recovered = Stopwatch.StartNew();
        IdempotencyResult<int>? after = null;
        while (after is null)
        {
            try
            {
                after = await executor.ExecuteAsync(new IdempotencyRequest("orders", "after"), runs.Handler, CancellationToken.None);
            }
            catch (IdempotencyStoreUnavailableException) when (recovered.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }

        output.WriteLine($"recovered {recovered.Elapsed.TotalMilliseconds:F0} ms after the server started again");
        var replay = await executor.ExecuteAsync(new IdempotencyRequest("orders", "after"), runs.Handler, CancellationToken.None);

        // The restarted server is empty (no persistence): only "after" is there, so no claim queued during the outage
        // reached it late.
        var keys = await multiplexer.GetServer(multiplexer.GetEndPoints()[0]).DatabaseSizeAsync();
        Assert.Equal(1, keys);
        Assert.Equal(IdempotencyOutcome.Executed, after.Value.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
        Assert.Equal(2, runs.Count);
    }
}
