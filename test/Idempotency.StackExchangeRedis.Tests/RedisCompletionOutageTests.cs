using System.Diagnostics;
using Idempotency.TestServers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>
/// SPEC: a store restart mid-load causes no duplicate execution. The work has run and the server dies before its
/// completion is written: the claim stays alive and retries the completion until the restarted server takes it (an
/// outage shorter than the lease), so every retry replays and the work ran once. Longer than the lease is the documented
/// limit: the result is not stored and a retry after the lease runs the work again. Real <c>redis-server</c>, loopback.
/// </summary>
public sealed class RedisCompletionOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2.5);

    // Durable like a production Redis that matters: what was written before the kill is there after the restart.
    private readonly RedisServer _server = new() { AppendOnly = true };
    private readonly FakeLoggerProvider _logs = new();
    private int _runs;

    public Task InitializeAsync() => _server.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var record in _logs.Collector.GetSnapshot())
        {
            output.WriteLine($"{record.Timestamp:HH:mm:ss.fff} {record.Level} {record.Id.Name}: {record.Message}");
        }

        _logs.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ExecuteAsync_ServerRestartsWithinTheLeaseBeforeTheCompletion_CompletionLandsAndEveryRetryReplays()
    {
        var lease = TimeSpan.FromSeconds(10);
        using var loggerFactory = new LoggerFactory([_logs]);
        await using var multiplexer = await ConnectAsync(_server);
        var executor = CreateExecutor(multiplexer, lease, loggerFactory);
        var request = new IdempotencyRequest("orders", "restart-before-completion");

        var call = await StartRunThatStopsTheServerAsync(executor, request, _server);
        await Task.Delay(Outage);
        Assert.False(call.IsCompleted, "ExecuteAsync returned while the store was down instead of keeping the claim alive.");
        var restart = Stopwatch.StartNew();
        await _server.StartAgainAsync();
        var result = await call.WaitAsync(lease + TimeSpan.FromSeconds(5));
        output.WriteLine($"ExecuteAsync returned {restart.Elapsed.TotalMilliseconds:F0} ms after the restart began: {result}");

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.Equal(1, result.Value);
        Assert.False(result.ResultNotStored);
        Assert.False(result.LeaseLost);
        var events = _logs.Collector.GetSnapshot();
        Assert.Contains(events, e => e.Id.Name == "CompletionRetrying"); // the completion really met the dead server
        Assert.DoesNotContain(events, e => e.Id.Name is "CompletionFailed" or "LeaseLost");

        // Retries: sequential on the same connection, then concurrent from it and from a second process-like connection
        // made after the restart. All replay the one result; the work never runs again.
        for (var i = 0; i < 3; i++)
        {
            var replay = await executor.ExecuteAsync(request, Handler, CancellationToken.None);
            Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
            Assert.Equal(1, replay.Value);
        }

        await using var otherMultiplexer = await ConnectAsync(_server);
        var other = CreateExecutor(otherMultiplexer, lease, loggerFactory: null);
        var replays = await RunConcurrentlyAsync(8, i => (i % 2 == 0 ? executor : other).ExecuteAsync(request, Handler, CancellationToken.None).AsTask());
        Assert.All(replays, replay =>
        {
            Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
            Assert.Equal(1, replay.Value);
        });
        Assert.Equal(1, Volatile.Read(ref _runs));
    }

    [Fact]
    public async Task ExecuteAsync_ServerDownLongerThanTheLease_ResultNotStoredAndARetryAfterTheLeaseRunsAgain()
    {
        var lease = TimeSpan.FromSeconds(3);
        using var loggerFactory = new LoggerFactory([_logs]);
        await using var multiplexer = await ConnectAsync(_server);
        var executor = CreateExecutor(multiplexer, lease, loggerFactory);
        var request = new IdempotencyRequest("orders", "down-past-the-lease");
        var watch = Stopwatch.StartNew();

        var call = await StartRunThatStopsTheServerAsync(executor, request, _server);
        var result = await call.WaitAsync(lease + TimeSpan.FromSeconds(10));
        var returnedAfter = watch.Elapsed;
        output.WriteLine($"ExecuteAsync returned after {returnedAfter.TotalMilliseconds:F0} ms: {result}");

        // It kept trying while the lease lasted, then gave up: not stored, not fenced. (An attempt begun just before the
        // lease ends can take the command timeout plus a heartbeat to fail, and a starved CI host adds to that, hence the
        // margin of two attempts and two seconds.)
        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.Equal(1, result.Value);
        Assert.True(result.ResultNotStored);
        Assert.False(result.LeaseLost);
        Assert.True(returnedAfter < lease + (2 * CommandTimeout) + TimeSpan.FromSeconds(2), $"gave up after {returnedAfter}, past the lease and one more attempt");
        var events = _logs.Collector.GetSnapshot();
        Assert.Contains(events, e => e.Id.Name == "CompletionRetrying");
        Assert.Contains(events, e => e.Id.Name == "CompletionFailed");

        // The documented limit: the record is still in progress with a lease that has run out, so once the server is back
        // a retry takes the key over and the work runs a second time.
        await _server.StartAgainAsync();
        var retry = await RetryUntilExecutedOrReplayedAsync(executor, request);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(2, retry.Value);
        Assert.Equal(2, Volatile.Read(ref _runs));
        Assert.Equal(2, (await executor.ExecuteAsync(request, Handler, CancellationToken.None)).Value);
    }

    [Fact]
    public async Task ExecuteAsync_ServerWithoutPersistenceRestartsBeforeTheCompletion_LeaseLostAndARetryRunsAgain()
    {
        // docs/stores/redis.md: a Redis without persistence loses its records when it restarts. The claim's record is
        // gone, so the completion cannot prove it still owns the key: it is fenced (LeaseLost) rather than written.
        var server = new RedisServer();
        await server.InitializeAsync();
        try
        {
            var lease = TimeSpan.FromSeconds(10);
            using var loggerFactory = new LoggerFactory([_logs]);
            await using var multiplexer = await ConnectAsync(server);
            var executor = CreateExecutor(multiplexer, lease, loggerFactory);
            var request = new IdempotencyRequest("orders", "restart-empty");

            var call = await StartRunThatStopsTheServerAsync(executor, request, server);
            await Task.Delay(Outage);
            await server.StartAgainAsync();
            var result = await call.WaitAsync(lease + TimeSpan.FromSeconds(5));
            output.WriteLine($"ExecuteAsync returned: {result}");

            Assert.Equal(1, result.Value);
            Assert.True(result.LeaseLost);
            Assert.False(result.ResultNotStored);
            Assert.Contains(_logs.Collector.GetSnapshot(), e => e.Id.Name == "LeaseLost");
            var retry = await executor.ExecuteAsync(request, Handler, CancellationToken.None);
            Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
            Assert.Equal(2, Volatile.Read(ref _runs));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    // Short timeouts and a quick reconnect, as the other outage tests: a completion retry reaches the restarted server
    // within a second or two.
    private static async Task<ConnectionMultiplexer> ConnectAsync(RedisServer server)
    {
        var configuration = ConfigurationOptions.Parse(server.ConnectionString);
        configuration.AbortOnConnectFail = false;
        configuration.SyncTimeout = (int)CommandTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)CommandTimeout.TotalMilliseconds;
        configuration.ConnectTimeout = 1000;
        configuration.ConnectRetry = 3;
        configuration.ReconnectRetryPolicy = new LinearRetry(200);
        return await ConnectionMultiplexer.ConnectAsync(configuration);
    }

    private static IIdempotencyExecutor CreateExecutor(ConnectionMultiplexer multiplexer, TimeSpan lease, ILoggerFactory? loggerFactory)
    {
        var options = new IdempotencyOptions();
        options.DefaultPolicy.Lease = lease;
        return IdempotencyExecutor.Create(options, new RedisIdempotencyStore(multiplexer), loggerFactory: loggerFactory);
    }

    private static async Task<T[]> RunConcurrentlyAsync<T>(int callers, Func<int, Task<T>> call)
    {
        using var go = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, callers).Select(i => Task.Run(() =>
        {
            go.Wait();
            return call(i);
        })).ToArray();
        go.Set();
        return await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(20));
    }

    // After the restart: the store may still refuse for a moment, and the old claim holds the key until its lease ends.
    private async Task<IdempotencyResult<int>> RetryUntilExecutedOrReplayedAsync(IIdempotencyExecutor executor, IdempotencyRequest request)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await executor.ExecuteAsync(request, Handler, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IdempotencyStoreUnavailableException or IdempotencyRequestInProgressException && deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                output.WriteLine($"retry after {deadline.Elapsed.TotalMilliseconds:F0} ms: {ex.GetType().Name}");
                await Task.Delay(100);
            }
        }
    }

    private ValueTask<int> Handler(CancellationToken cancellationToken) => ValueTask.FromResult(Interlocked.Increment(ref _runs));

    /// <summary>
    /// Starts a first execution whose work runs, then kills the server before returning, so its completion meets a dead
    /// store; returns the pending call once the server is down.
    /// </summary>
    private async Task<Task<IdempotencyResult<int>>> StartRunThatStopsTheServerAsync(IIdempotencyExecutor executor, IdempotencyRequest request, RedisServer server)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = Task.Run(() => executor.ExecuteAsync(
            request,
            async _ =>
            {
                var run = Interlocked.Increment(ref _runs);
                await server.StopAsync();
                stopped.SetResult();
                return run;
            },
            CancellationToken.None).AsTask());
        if (await Task.WhenAny(stopped.Task, call).WaitAsync(TimeSpan.FromSeconds(15)) == call)
        {
            await call; // surfaces why the work never stopped the server
        }

        return call;
    }
}
