using System.Diagnostics;
using Idempotency.TestServers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Idempotency.Npgsql.Tests;

/// <summary>
/// SPEC: a store restart mid-load causes no duplicate execution. The work has run and the server stops before its
/// completion is written: the claim stays alive and retries the completion until the restarted server takes it (an
/// outage shorter than the lease), so every retry replays and the work ran once. Longer than the lease is the documented
/// limit: the result is not stored and a retry after the lease runs the work again. Real PostgreSQL, loopback.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CompletionOutageTests(PostgresServer server, ITestOutputHelper output) : IDisposable
{
    // Short timeouts, as the other outage tests: a failed attempt costs at most a few seconds, so a completion retry
    // reaches the restarted server well within the lease.
    private const string ShortTimeouts = "Timeout=2;Command Timeout=2";
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2.5);

    private readonly FakeLoggerProvider _logs = new();
    private int _runs;

    public void Dispose()
    {
        foreach (var record in _logs.Collector.GetSnapshot())
        {
            output.WriteLine($"{record.Timestamp:HH:mm:ss.fff} {record.Level} {record.Id.Name}: {record.Message}");
        }

        _logs.Dispose();
    }

    [Fact]
    public async Task ExecuteAsync_ServerRestartsWithinTheLeaseBeforeTheCompletion_CompletionLandsAndEveryRetryReplays()
    {
        // Stopping and starting PostgreSQL take up to a few seconds each on a busy machine: a lease with room for both.
        var lease = TimeSpan.FromSeconds(15);
        await using var table = await PostgresTable.CreateAsync(server, ShortTimeouts);
        using var loggerFactory = new LoggerFactory([_logs]);
        var executor = CreateExecutor(table.Store, lease, loggerFactory);
        var request = new IdempotencyRequest("orders", "restart-before-completion");
        try
        {
            var call = await StartRunThatStopsTheServerAsync(executor, request);
            await Task.Delay(Outage);
            Assert.False(call.IsCompleted, "ExecuteAsync returned while the store was down instead of keeping the claim alive.");
            var restart = Stopwatch.StartNew();
            await server.StartAgainAsync();
            output.WriteLine($"server restarted in {restart.Elapsed.TotalMilliseconds:F0} ms");
            var result = await call.WaitAsync(lease + TimeSpan.FromSeconds(5));
            output.WriteLine($"ExecuteAsync returned {restart.Elapsed.TotalMilliseconds:F0} ms after the restart began: {result}");

            Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
            Assert.Equal(1, result.Value);
            Assert.False(result.ResultNotStored);
            Assert.False(result.LeaseLost);
            var events = _logs.Collector.GetSnapshot();
            Assert.Contains(events, e => e.Id.Name == "CompletionRetrying"); // the completion really met the stopped server
            Assert.DoesNotContain(events, e => e.Id.Name is "CompletionFailed" or "LeaseLost");
            Assert.Equal(1, await table.CountAsync("status = 1"));

            // Retries: sequential on the same data source, then concurrent from it and from a second data source (another
            // connection pool, as another process). All replay the one result; the work never runs again.
            for (var i = 0; i < 3; i++)
            {
                var replay = await executor.ExecuteAsync(request, Handler, CancellationToken.None);
                Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
                Assert.Equal(1, replay.Value);
            }

            await using var otherSource = NpgsqlDataSource.Create(server.ConnectionStringWith(ShortTimeouts));
            var other = CreateExecutor(table.OtherStore(otherSource), lease, loggerFactory: null);
            var replays = await RunConcurrentlyAsync(8, i => (i % 2 == 0 ? executor : other).ExecuteAsync(request, Handler, CancellationToken.None).AsTask());
            Assert.All(replays, replay =>
            {
                Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
                Assert.Equal(1, replay.Value);
            });
            Assert.Equal(1, Volatile.Read(ref _runs));
        }
        finally
        {
            await server.StartAgainAsync();
        }
    }

    [Fact]
    public async Task ExecuteAsync_ServerDownLongerThanTheLease_ResultNotStoredAndARetryAfterTheLeaseRunsAgain()
    {
        var lease = TimeSpan.FromSeconds(4);
        await using var table = await PostgresTable.CreateAsync(server, ShortTimeouts);
        using var loggerFactory = new LoggerFactory([_logs]);
        var executor = CreateExecutor(table.Store, lease, loggerFactory);
        var request = new IdempotencyRequest("orders", "down-past-the-lease");
        try
        {
            var watch = Stopwatch.StartNew();
            var call = await StartRunThatStopsTheServerAsync(executor, request);
            var result = await call.WaitAsync(lease + TimeSpan.FromSeconds(10));
            var returnedAfter = watch.Elapsed;
            output.WriteLine($"ExecuteAsync returned after {returnedAfter.TotalMilliseconds:F0} ms: {result}");

            // It kept trying while the lease lasted, then gave up: not stored, not fenced. (A failed attempt costs at most
            // the connect timeout, 2 s; a starved CI host adds to that, hence two attempts and two seconds.)
            Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
            Assert.Equal(1, result.Value);
            Assert.True(result.ResultNotStored);
            Assert.False(result.LeaseLost);
            Assert.True(returnedAfter < lease + TimeSpan.FromSeconds(6), $"gave up after {returnedAfter}, past the lease and one more attempt");
            var events = _logs.Collector.GetSnapshot();
            Assert.Contains(events, e => e.Id.Name == "CompletionRetrying");
            Assert.Contains(events, e => e.Id.Name == "CompletionFailed");

            // The documented limit: the row is still in progress with a lease that has run out, so once the server is back
            // a retry takes the key over and the work runs a second time.
            await server.StartAgainAsync();
            var retry = await RetryUntilExecutedOrReplayedAsync(executor, request);
            Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
            Assert.Equal(2, retry.Value);
            Assert.Equal(2, Volatile.Read(ref _runs));
            Assert.Equal(2, (await executor.ExecuteAsync(request, Handler, CancellationToken.None)).Value);
        }
        finally
        {
            await server.StartAgainAsync();
        }
    }

    private static IIdempotencyExecutor CreateExecutor(NpgsqlIdempotencyStore store, TimeSpan lease, ILoggerFactory? loggerFactory)
    {
        var options = new IdempotencyOptions();
        options.DefaultPolicy.Lease = lease;
        return IdempotencyExecutor.Create(options, store, loggerFactory: loggerFactory);
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

    // After the restart: the pool may still hand out a broken connection for a moment, and the old claim holds the key
    // until its lease ends.
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
    /// Starts a first execution whose work runs, then stops the server before returning, so its completion meets a dead
    /// store; returns the pending call once the server is down.
    /// </summary>
    private async Task<Task<IdempotencyResult<int>>> StartRunThatStopsTheServerAsync(IIdempotencyExecutor executor, IdempotencyRequest request)
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
        if (await Task.WhenAny(stopped.Task, call).WaitAsync(TimeSpan.FromSeconds(60)) == call)
        {
            await call; // surfaces why the work never stopped the server
        }

        return call;
    }
}
